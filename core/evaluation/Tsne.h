#pragma once
#include <torch/types.h>

#include <cstdint>
#include <functional>

namespace studio {

/// Settings of a t-SNE map (van der Maaten & Hinton 2008; Barnes-Hut, van der Maaten 2014).
struct TsneOptions {
    double perplexity = 30;           ///< effective number of neighbours; 3 × it are kept per point
    int iterations = 1000;            ///< gradient steps in all
    double theta = 0.5;               ///< Barnes-Hut accuracy: 0 is exact, larger is faster and coarser
    double exaggeration = 12;         ///< early exaggeration of the affinities…
    int exaggerationIterations = 250; ///< …for this many steps (momentum 0.5, then 0.8)
    double learningRate = 0;          ///< 0: max(N / exaggeration / 4, 50) (Belkina et al. 2019, as scikit-learn)
    std::uint64_t seed = 1;           ///< the initial layout's random draw
};

/// Reports progress every 10 steps (step, total); returning false cancels.
using TsneProgress = std::function<bool(int step, int total)>;

/// A 2-D t-SNE layout of the rows of `x` (N×D, N ≥ 4; D > 50 is first reduced to 50 by PCA): N×2
/// float, centred. Affinities from the exact 3·perplexity nearest neighbours (squared Euclidean
/// distances, each point's bandwidth found by bisection), repulsion by a Barnes-Hut quadtree,
/// gradient steps with momentum and per-coordinate gains. Runs on the calling thread's torch
/// intra-op threads. An undefined tensor when `progress` cancels.
torch::Tensor tsne(const torch::Tensor& x, const TsneOptions& options = {}, const TsneProgress& progress = {});

/// The share of each point's `k` nearest neighbours in `layout` (N×2) that carry its label: how
/// well a map keeps groups together (1 = every neighbourhood stays within its group).
double neighbourhoodPurity(const torch::Tensor& layout, const torch::Tensor& labels, int k);

} // namespace studio
