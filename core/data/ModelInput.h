#pragma once
#include <torch/types.h>

namespace studio {

/// The one conversion from stored pixels to what every model consumes: uint8 images (N×28×28 or
/// N×1×28×28) -> float N×1×28×28, scaled to [0,1] then standardised with (mean, std).
torch::Tensor toModelInput(const torch::Tensor& imagesU8, double mean, double std);

/// [0,1] float images -> standardised, same layout.
torch::Tensor standardise(const torch::Tensor& images01, double mean, double std);

} // namespace studio
