#pragma once
#include "models/Classifier.h"

#include <torch/nn/modules/container/sequential.h>

namespace studio::layers {

/// Conv2d 3×3 (or k×k) with the given padding and bias.
torch::nn::Conv2d conv(int in, int out, int kernel, int padding, bool bias, int stride = 1);
/// Appends the activation module to `seq`.
void addActivation(torch::nn::Sequential& seq, Activation activation);
/// Dropout, or nothing for p <= 0 (appended to seq).
void addDropout(torch::nn::Sequential& seq, double p);
/// The effective rate: options.dropout when set, else `fallback`.
double dropoutOr(const ModelOptions& options, double fallback);

} // namespace studio::layers
