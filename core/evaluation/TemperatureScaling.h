#pragma once
#include "models/ScoredSet.h"

namespace studio {

/// The temperature T > 0 that minimises the mean negative log-likelihood of softmax(logits / T)
/// on `scores` (Guo et al. 2017; fit on the validation split). Accuracy does not change with T.
/// NLL is convex in β = 1/T, so its derivative mean(E_p[z] − z_y) is bisected on β ∈ [1e-3, 1e3]
/// (in log space) to 1e-10 relative precision.
double fitTemperature(const ScoredSet& scores);

/// Mean negative log-likelihood at temperature T.
double meanNll(const ScoredSet& scores, double temperature);

} // namespace studio
