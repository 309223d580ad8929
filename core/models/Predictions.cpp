#include "models/Predictions.h"

#include "data/ModelInput.h"
#include "util/TorchThreads.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/functional/loss.h>

#include <atomic>
#include <exception>
#include <thread>

namespace studio {
namespace {

/// One batch's share of the result, kept in its slot so the order never depends on the workers.
struct BatchResult {
    torch::Tensor logits;
    double lossSum = 0.0;
};

/// Batches taken in turn from a shared counter by `workers` threads, each running torch on one
/// thread of its own: for these small models two single-threaded forwards side by side beat one
/// forward split over two cores (10k simple-cnn images: 1.41 s on one thread, 0.78 s as two
/// workers; bench_eval), because each layer is too small to split without the threads waiting.
class BatchRunner {
public:
    BatchRunner(ClassifierImpl& model, const LabeledImages& data, double mean, double std, std::int64_t batchSize,
                const std::function<bool()>& cancel)
        : m_model(model), m_data(data), m_mean(mean), m_std(std), m_batchSize(batchSize), m_cancel(cancel),
          m_results(static_cast<std::size_t>((data.size() + batchSize - 1) / batchSize))
    {
    }

    void run(int workers)
    {
        if (workers <= 1 || m_results.size() <= 1) {
            work();
            return;
        }
        std::vector<std::thread> threads;
        std::vector<std::exception_ptr> errors(static_cast<std::size_t>(workers));
        for (int w = 0; w < workers; ++w)
            threads.emplace_back([this, &errors, w] {
                try {
                    configureTorchThread(1);
                    work();
                } catch (...) {
                    errors[static_cast<std::size_t>(w)] = std::current_exception();
                    m_failed = true;
                }
            });
        for (auto& t : threads)
            t.join();
        for (const auto& e : errors)
            if (e)
                std::rethrow_exception(e);
    }

    bool cancelled() const { return m_cancelled; }
    std::vector<BatchResult>& results() { return m_results; }

private:
    void work()
    {
        torch::NoGradGuard noGrad; // grad mode is per thread
        for (;;) {
            const auto index = m_next.fetch_add(1);
            if (index >= m_results.size() || m_failed || m_cancelled)
                return;
            if (m_cancel && m_cancel()) {
                m_cancelled = true;
                return;
            }
            const auto begin = static_cast<std::int64_t>(index) * m_batchSize;
            const auto end = std::min(begin + m_batchSize, m_data.size());
            auto& r = m_results[index];
            r.logits = m_model.forward(toModelInput(m_data.images.slice(0, begin, end), m_mean, m_std));
            r.lossSum = torch::nn::functional::cross_entropy(
                            r.logits, m_data.labels.slice(0, begin, end),
                            torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                            .item<double>();
        }
    }

    ClassifierImpl& m_model;
    const LabeledImages& m_data;
    const double m_mean, m_std;
    const std::int64_t m_batchSize;
    const std::function<bool()>& m_cancel;
    std::vector<BatchResult> m_results;
    std::atomic<std::size_t> m_next{0};
    std::atomic<bool> m_cancelled{false};
    std::atomic<bool> m_failed{false};
};

} // namespace

Predictions predict(ClassifierImpl& model, const LabeledImages& data, double mean, double std, std::int64_t batchSize,
                    const std::function<bool()>& cancel)
{
    Predictions p;
    if (data.size() == 0)
        return p;
    const bool wasTraining = model.is_training();
    model.eval();
    BatchRunner runner(model, data, mean, std, std::max<std::int64_t>(1, batchSize), cancel);
    try {
        runner.run(at::get_num_threads());
    } catch (...) {
        model.train(wasTraining);
        throw;
    }
    model.train(wasTraining);
    if (runner.cancelled()) {
        p.cancelled = true;
        return p;
    }
    std::vector<torch::Tensor> logitBatches;
    double lossSum = 0.0;
    for (auto& r : runner.results()) {
        logitBatches.push_back(std::move(r.logits));
        lossSum += r.lossSum;
    }
    torch::NoGradGuard noGrad;
    p.logits = torch::cat(logitBatches).contiguous();
    p.probabilities = torch::softmax(p.logits, 1);
    p.labels = data.labels;
    p.predicted = p.probabilities.argmax(1);
    const auto n = static_cast<double>(data.size());
    p.meanLoss = lossSum / n;
    p.accuracy = p.predicted.eq(p.labels).sum().item<double>() / n;
    return p;
}

ScoredSet scoredSet(const Predictions& p)
{
    ScoredSet s;
    if (p.size() == 0)
        return s;
    s.numClasses = int(p.logits.size(1));
    const auto logits = p.logits.to(torch::kFloat32).contiguous();
    s.logits.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
    const auto labels = p.labels.to(torch::kInt64).contiguous();
    s.labels.assign(labels.data_ptr<std::int64_t>(), labels.data_ptr<std::int64_t>() + labels.numel());
    return s;
}

} // namespace studio
