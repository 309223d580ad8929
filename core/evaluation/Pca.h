#pragma once
#include <torch/types.h>

namespace studio {

/// Principal components of a set of feature vectors, fitted once and then applied to new ones
/// (the Draw page's live marker goes through the same projection).
struct Pca {
    torch::Tensor mean;       ///< D
    torch::Tensor components; ///< k×D, unit rows, by decreasing variance; each row's largest entry positive
    torch::Tensor variance;   ///< k: the variance along each component
    double totalVariance = 0; ///< the variance of all D dimensions together

    /// Rows of `x` (N×D) projected onto the components: N×k.
    torch::Tensor project(const torch::Tensor& x) const;
    /// The share of the total variance each component explains (k).
    torch::Tensor explainedRatio() const;
};

/// Fits `components` principal components to the rows of `x` (N×D, N ≥ 2): the eigenvectors of the
/// sample covariance (divided by N − 1) with the largest eigenvalues.
Pca fitPca(const torch::Tensor& x, int components);

} // namespace studio
