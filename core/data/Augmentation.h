#pragma once
#include "data/AugmentConfig.h"

#include <torch/types.h>

#include <cstdint>

namespace studio {

/// Applies one random affine map per image (bilinear, zero fill) to a N×1×H×W batch of [0,1]
/// pixels. Deterministic for a given seed.
torch::Tensor augmentGeometry(const torch::Tensor& images, const AugmentConfig& config, std::uint64_t seed);

/// Random erasing in place on a normalised N×1×H×W batch: with eraseProbability an image gets one
/// rectangle (aspect 0.3–3.3) set to 0, torchvision's RandomErasing(value=0). Deterministic per seed.
void randomErase(torch::Tensor& images, const AugmentConfig& config, std::uint64_t seed);

} // namespace studio
