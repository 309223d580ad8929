#pragma once
#include "models/Classifier.h"

#include <torch/types.h>

namespace studio {

/// What a model's last stage receives for each image: the output of the stage before it,
/// flattened (N×D; e.g. simple-cnn's 128 fc1 units, resnet's pooled channels). `imagesU8`: N×28×28
/// uint8 pixels, standardised with `mean` and `std` as the model was trained; scored in eval mode
/// in batches of `batch`.
torch::Tensor penultimateFeatures(ClassifierImpl& model, const torch::Tensor& imagesU8, double mean, double std,
                                  std::int64_t batch = 500);

} // namespace studio
