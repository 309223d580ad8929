#include "evaluation/Predictions.h"

#include "data/ModelInput.h"
#include "util/StudioError.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/functional/loss.h>

#include <QSaveFile>

namespace studio {

Predictions predict(ClassifierImpl& model, const LabeledImages& data, double mean, double std, std::int64_t batchSize,
                    const std::function<bool()>& cancel)
{
    const bool wasTraining = model.is_training();
    model.eval();
    torch::NoGradGuard noGrad;
    Predictions p;
    std::vector<torch::Tensor> probs;
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
        probs.push_back(torch::softmax(logits, 1));
    }
    model.train(wasTraining);
    if (p.cancelled || probs.empty())
        return p;
    p.probabilities = torch::cat(probs);
    p.labels = data.labels;
    p.predicted = p.probabilities.argmax(1);
    const auto n = static_cast<double>(data.size());
    p.meanLoss = lossSum / n;
    p.accuracy = p.predicted.eq(p.labels).sum().item<double>() / n;
    return p;
}

void writePredictionsCsv(const QString& path, const Predictions& p)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
    const auto classes = p.probabilities.size(1);
    QByteArray out = "index,label,pred";
    for (std::int64_t c = 0; c < classes; ++c)
        out += ",p" + QByteArray::number(c);
    out += '\n';
    const auto probs = p.probabilities.contiguous();
    const auto* pr = probs.data_ptr<float>();
    const auto* lab = p.labels.data_ptr<std::int64_t>();
    const auto* pred = p.predicted.data_ptr<std::int64_t>();
    for (std::int64_t i = 0; i < p.size(); ++i) {
        out += QByteArray::number(i) + ',' + QByteArray::number(lab[i]) + ',' + QByteArray::number(pred[i]);
        for (std::int64_t c = 0; c < classes; ++c)
            out += ',' + QByteArray::number(pr[i * classes + c], 'g', 6);
        out += '\n';
    }
    f.write(out);
    if (!f.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

} // namespace studio
