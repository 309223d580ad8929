#include "evaluation/Embedding.h"

#include "data/ModelInput.h"
#include "util/StudioError.h"

#include <QFile>
#include <QSaveFile>

#include <torch/torch.h>

#include <cstring>
#include <vector>

namespace studio {
namespace {

/// Keeps the outputs of the last two stages of a forward pass.
class LastTwoStages : public LayerTap {
public:
    void onLayer(const std::string&, const torch::Tensor& output) override
    {
        previous = last;
        last = output;
    }
    torch::Tensor previous, last;
};

} // namespace

torch::Tensor penultimateFeatures(ClassifierImpl& model, const torch::Tensor& imagesU8, double mean, double std,
                                  std::int64_t batch)
{
    if (imagesU8.dim() != 3 || imagesU8.size(0) == 0)
        throw StudioError("Features need a non-empty N×28×28 set of images.");
    torch::NoGradGuard noGrad;
    const bool training = model.is_training();
    model.eval();
    std::vector<torch::Tensor> parts;
    for (std::int64_t start = 0; start < imagesU8.size(0); start += batch) {
        LastTwoStages tap;
        model.forwardTapped(toModelInput(imagesU8.slice(0, start, start + batch), mean, std), &tap);
        if (!tap.previous.defined())
            throw StudioError("This model reports fewer than two stages: it has no penultimate layer to map.");
        parts.push_back(tap.previous.flatten(1).to(torch::kFloat).contiguous());
    }
    model.train(training);
    return torch::cat(parts);
}

torch::Tensor EmbeddingMap::place(const torch::Tensor& query, int k) const
{
    torch::NoGradGuard noGrad;
    const auto q = query.to(torch::kFloat).reshape({-1, features.size(1)});
    if (!tsne)
        return pca.project(q).to(torch::kFloat);
    k = int(std::min<std::int64_t>(k, features.size(0)));
    const auto distances = torch::cdist(q, features, 2.0, 2); // M×N, exact differences (no matrix-product shortcut)
    const auto [nearest, which] = distances.topk(k, 1, false, true);
    // 1/d weights; a zero distance takes all the weight (the vector is a mapped point).
    auto weights = 1.0 / nearest.clamp_min(1e-12);
    weights = weights / weights.sum(1, true);
    const auto places = layout.index({which.flatten()}).reshape({q.size(0), k, 2});
    return (places * weights.unsqueeze(2)).sum(1);
}

EmbeddingMap pcaMap(const torch::Tensor& features)
{
    EmbeddingMap map;
    map.features = features.to(torch::kFloat).contiguous();
    map.pca = fitPca(map.features, 2);
    map.layout = map.pca.project(map.features).to(torch::kFloat).contiguous();
    return map;
}

namespace {
constexpr char layoutMagic[] = "MNIST-STUDIO-LAYOUT 1\n";
}

void saveLayout(const QString& path, const torch::Tensor& layout)
{
    const auto points = layout.to(torch::kFloat).contiguous();
    QSaveFile file(path);
    QByteArray bytes(layoutMagic);
    const qint64 n = points.size(0);
    bytes.append(reinterpret_cast<const char*>(&n), sizeof n);
    bytes.append(reinterpret_cast<const char*>(points.data_ptr<float>()), qsizetype(n * 2 * sizeof(float)));
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw StudioError("Cannot write the map layout " + path.toStdString() + ": " +
                          file.errorString().toStdString());
}

torch::Tensor loadLayout(const QString& path, std::int64_t points)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = file.readAll();
    const auto header = qsizetype(sizeof layoutMagic - 1);
    qint64 n = 0;
    if (bytes.size() < header + qsizetype(sizeof n) || !bytes.startsWith(layoutMagic))
        return {};
    std::memcpy(&n, bytes.constData() + header, sizeof n);
    if (n != points || bytes.size() != header + qsizetype(sizeof n) + qsizetype(n * 2 * sizeof(float)))
        return {};
    auto layout = torch::empty({n, 2}, torch::kFloat);
    std::memcpy(layout.data_ptr<float>(), bytes.constData() + header + sizeof n, std::size_t(n * 2) * sizeof(float));
    if (!torch::isfinite(layout).all().item<bool>())
        return {};
    return layout;
}

} // namespace studio
