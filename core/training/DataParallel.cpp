#include "training/DataParallel.h"

#include "models/Predictions.h"
#include "training/Checkpoint.h"
#include "training/MixedPrecision.h"
#include "util/StudioError.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/functional/loss.h>

#include <QFile>
#include <QTemporaryFile>

#include <cmath>

namespace studio {

void shareModelState(World& world, torch::nn::Module& model)
{
    torch::NoGradGuard noGrad;
    auto tensors = model.parameters();
    for (const auto& b : model.buffers())
        tensors.push_back(b);
    world.broadcast(tensors);
}

void shareBuffers(World& world, torch::nn::Module& model)
{
    const auto buffers = model.buffers();
    if (!buffers.empty())
        world.broadcast(buffers);
}

StepTotals shardStep(World& world, ClassifierImpl& model, const Batch& batch, Precision precision, bool stop)
{
    namespace F = torch::nn::functional;
    shareBuffers(world, model);
    double lossSum = 0.0;
    std::int64_t correct = 0;
    if (batch.labels.size(0) > 0) {
        torch::Tensor logits, loss;
        {
            AutocastScope mixed(precision);
            logits = model.forward(batch.images);
            loss = F::cross_entropy(logits, batch.labels, F::CrossEntropyFuncOptions().reduction(torch::kSum));
        }
        lossSum = loss.item<double>();
        (loss / double(batch.globalSize)).backward();
        correct = logits.argmax(1).eq(batch.labels).sum().item<std::int64_t>();
    }
    std::vector<torch::Tensor> tensors;
    for (auto& p : model.parameters()) {
        if (!p.grad().defined())
            p.mutable_grad() = torch::zeros_like(p);
        tensors.push_back(p.grad());
    }
    auto totals = torch::tensor({lossSum, double(correct), stop ? 1.0 : 0.0}, torch::kFloat64);
    tensors.push_back(totals);
    world.allReduceSum(tensors);
    const auto t = totals.accessor<double, 1>();
    return {t[0], std::llround(t[1]), t[2] > 0};
}

LabeledImages shardOf(const LabeledImages& set, const World& world)
{
    const auto n = set.size();
    const auto begin = n * world.rank() / world.size(), end = n * (world.rank() + 1) / world.size();
    LabeledImages shard;
    shard.images = set.images.slice(0, begin, end);
    shard.labels = set.labels.slice(0, begin, end);
    return shard;
}

SetScores scoreInShards(World& world, ClassifierImpl& model, const LabeledImages& set, double mean, double std,
                        int numClasses)
{
    shareBuffers(world, model);
    const auto n = set.size(), c = std::int64_t(numClasses);
    const auto begin = n * world.rank() / world.size();
    const auto shard = shardOf(set, world);
    // loss sum, correct, count, then the set's logits: each rank fills its rows, the others add zeros
    auto sums = torch::zeros({3 + n * c}, torch::kFloat64);
    if (shard.size() > 0) {
        const auto p = predict(model, shard, mean, std);
        const double m = double(p.size());
        sums.slice(0, 0, 3).copy_(torch::tensor({p.meanLoss * m, p.accuracy * m, m}, torch::kFloat64));
        sums.slice(0, 3 + begin * c, 3 + (begin + p.size()) * c).copy_(p.logits.reshape({-1}));
    }
    world.allReduceSum({sums});
    SetScores out;
    out.meanLoss = sums[0].item<double>() / sums[2].item<double>();
    out.accuracy = sums[1].item<double>() / sums[2].item<double>();
    out.scores.numClasses = numClasses;
    const auto logits = sums.slice(0, 3).to(torch::kFloat32).contiguous();
    out.scores.logits.assign(logits.data_ptr<float>(), logits.data_ptr<float>() + logits.numel());
    const auto labels = set.labels.to(torch::kInt64).contiguous();
    out.scores.labels.assign(labels.data_ptr<std::int64_t>(), labels.data_ptr<std::int64_t>() + labels.numel());
    return out;
}

QString shareCheckpoint(World& world, const QString& path, QTemporaryFile& copy)
{
    std::string bytes;
    if (world.isMaster()) {
        readCheckpointMeta(path); // a clear error before anything travels
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw StudioError("Cannot read checkpoint " + path.toStdString() + ".");
        bytes = file.readAll().toStdString();
    }
    bytes = world.broadcastBytes(bytes);
    if (world.isMaster())
        return path;
    if (!copy.open() || copy.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) || !copy.flush())
        throw StudioError("Cannot keep rank 0's checkpoint in a temporary file.");
    return copy.fileName();
}

} // namespace studio
