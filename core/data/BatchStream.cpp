#include "data/BatchStream.h"

#include "data/ModelInput.h"
#include "data/Split.h"
#include "util/Seed.h"
#include "util/TorchThreads.h"

#include <torch/csrc/autograd/grad_mode.h>

namespace studio {

std::int64_t BatchStream::batchesPerEpoch(std::int64_t samples, std::int64_t batchSize)
{
    return batchSize > 0 ? (samples + batchSize - 1) / batchSize : 0;
}

BatchStream::BatchStream(LabeledImages data, BatchPlan plan)
    : m_data(std::move(data)), m_plan(plan), m_batchCount(batchesPerEpoch(m_data.size(), plan.batchSize))
{
    m_order = plan.shuffle
                  ? seededPermutation(m_data.size(), mixSeed(plan.seed, 0x5u, static_cast<std::uint64_t>(plan.epoch)))
                  : torch::arange(m_data.size(), torch::kInt64);
    m_producer = std::thread([this] { produce(); });
}

BatchStream::~BatchStream()
{
    {
        std::lock_guard lock(m_mutex);
        m_cancel = true;
    }
    m_changed.notify_all();
    m_producer.join();
}

Batch BatchStream::makeBatch(const LabeledImages& data, const torch::Tensor& order, const BatchPlan& plan,
                             std::int64_t index)
{
    const auto first = index * plan.batchSize;
    const auto size = std::min(first + plan.batchSize, data.size()) - first;
    const auto begin = first + size * plan.shard / plan.shards;
    const auto end = first + size * (plan.shard + 1) / plan.shards;
    const auto ids = order.slice(0, begin, end);
    Batch b;
    b.index = index;
    b.globalSize = size;
    b.labels = data.labels.index_select(0, ids);
    auto x = data.images.index_select(0, ids).unsqueeze(1).to(torch::kFloat32).div_(255.0);
    if (plan.augment.enabled && end > begin) {
        auto s = mixSeed(plan.seed, 0xa7u, static_cast<std::uint64_t>(plan.epoch), static_cast<std::uint64_t>(index));
        if (plan.shards > 1)
            s = mixSeed(s, 0x5au, static_cast<std::uint64_t>(plan.shard));
        x = augmentGeometry(x, plan.augment, s);
        x = standardise(x, plan.mean, plan.std);
        randomErase(x, plan.augment, mixSeed(s, 0xe7u));
    } else {
        x = standardise(x, plan.mean, plan.std);
    }
    b.images = markChannelsLast(x);
    return b;
}

void BatchStream::produce()
{
    configureTorchThread(1);
    torch::NoGradGuard noGrad;
    try {
        for (std::int64_t i = m_plan.firstBatch; i < m_batchCount; ++i) {
            {
                std::unique_lock lock(m_mutex);
                m_changed.wait(lock, [&] { return m_cancel || m_ready.size() < m_plan.prefetch; });
                if (m_cancel)
                    break;
            }
            Batch b = makeBatch(m_data, m_order, m_plan, i);
            {
                std::lock_guard lock(m_mutex);
                m_ready.push_back(std::move(b));
            }
            m_changed.notify_all();
        }
    } catch (...) {
        std::lock_guard lock(m_mutex);
        m_error = std::current_exception();
    }
    {
        std::lock_guard lock(m_mutex);
        m_done = true;
    }
    m_changed.notify_all();
}

std::optional<Batch> BatchStream::next()
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return !m_ready.empty() || m_done; });
    if (!m_ready.empty()) {
        Batch b = std::move(m_ready.front());
        m_ready.pop_front();
        lock.unlock();
        m_changed.notify_all();
        return b;
    }
    if (m_error)
        std::rethrow_exception(m_error);
    return std::nullopt;
}

} // namespace studio
