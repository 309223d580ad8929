#pragma once

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

} // namespace studio
