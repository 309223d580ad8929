#include "evaluation/Predictions.h"

#include "data/ModelInput.h"
#include "util/StudioError.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/functional/loss.h>

namespace studio {

Predictions predict(ClassifierImpl& model, const LabeledImages& data, double mean, double std, std::int64_t batchSize,
                    const std::function<bool()>& cancel)
{
    const bool wasTraining = model.is_training();
    model.eval();
    torch::NoGradGuard noGrad;
    Predictions p;
    std::vector<torch::Tensor> logitBatches;
    double lossSum = 0.0;
    for (std::int64_t begin = 0; begin < data.size(); begin += batchSize) {
        if (cancel && cancel()) {
            p.cancelled = true;
            break;
        }
        const auto end = std::min(begin + batchSize, data.size());
        const auto logits = model.forward(toModelInput(data.images.slice(0, begin, end), mean, std));
        const auto labels = data.labels.slice(0, begin, end);
        lossSum += torch::nn::functional::cross_entropy(
                       logits, labels, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                       .item<double>();
        logitBatches.push_back(logits);
    }
    model.train(wasTraining);
    if (p.cancelled || logitBatches.empty())
        return p;
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
