#pragma once
#include <torch/types.h>

#include <cstdint>

namespace studio {

/// Random training-time distortions, seed 000's defaults (torchvision RandomRotation(10) +
/// RandomAffine(translate 0.1, scale 0.9–1.1, shear 10) + RandomErasing(p 0.1, area 0.02–0.1)).
struct AugmentConfig {
    bool enabled = false;
    double rotationDeg = 10.0; ///< rotation drawn from ±rotationDeg
    double translate = 0.1;    ///< shift drawn from ±translate × image size, per axis
    double scaleMin = 0.9;
    double scaleMax = 1.1;
    double shearDeg = 10.0; ///< x-shear drawn from ±shearDeg
    double eraseProbability = 0.1;
    double eraseAreaMin = 0.02; ///< erased fraction of the image area
    double eraseAreaMax = 0.1;

    bool operator==(const AugmentConfig&) const = default;
};

/// Applies one random affine map per image (bilinear, zero fill) to a N×1×H×W batch of [0,1]
/// pixels. Deterministic for a given seed.
torch::Tensor augmentGeometry(const torch::Tensor& images, const AugmentConfig& config, std::uint64_t seed);

/// Random erasing in place on a normalised N×1×H×W batch: with eraseProbability an image gets one
/// rectangle (aspect 0.3–3.3) set to 0, torchvision's RandomErasing(value=0). Deterministic per seed.
void randomErase(torch::Tensor& images, const AugmentConfig& config, std::uint64_t seed);

} // namespace studio
