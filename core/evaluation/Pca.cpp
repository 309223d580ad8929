#include "evaluation/Pca.h"

#include "util/StudioError.h"

#include <torch/linalg.h>

#include <algorithm>

namespace studio {

Pca fitPca(const torch::Tensor& x, int components)
{
    if (x.dim() != 2 || x.size(0) < 2)
        throw StudioError("PCA needs at least two feature vectors.");
    if (components < 1 || components > x.size(1))
        throw StudioError("PCA can find 1 to " + std::to_string(x.size(1)) + " components here, not " +
                          std::to_string(components) + ".");
    const auto data = x.to(torch::kDouble);
    Pca pca;
    const auto mean = data.mean(0);
    const auto centred = data - mean;
    const auto covariance = centred.t().mm(centred) / double(x.size(0) - 1);
    const auto [values, vectors] = torch::linalg::eigh(covariance, "L"); // ascending
    const auto order = torch::arange(x.size(1) - 1, x.size(1) - 1 - components, -1);
    auto rows = vectors.index_select(1, order).t().contiguous(); // k×D
    // The sign of an eigenvector is arbitrary: make each row's largest entry positive.
    const auto largest = rows.abs().argmax(1, true);
    rows = rows * rows.gather(1, largest).sign().clamp_min(0).mul(2).sub(1);
    pca.mean = mean.to(torch::kFloat);
    pca.components = rows.to(torch::kFloat);
    pca.variance = values.index_select(0, order).clamp_min(0).to(torch::kFloat);
    pca.totalVariance = values.clamp_min(0).sum().item<double>();
    return pca;
}

torch::Tensor Pca::project(const torch::Tensor& x) const
{
    return (x.to(torch::kFloat) - mean).mm(components.t());
}

torch::Tensor Pca::explainedRatio() const
{
    return totalVariance > 0 ? variance / totalVariance : torch::zeros_like(variance);
}

} // namespace studio
