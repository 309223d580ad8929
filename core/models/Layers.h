#pragma once
#include "models/ModelOptions.h"

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>

namespace studio::layers {

/// 2×2 max-pool with stride 2 (odd sizes drop the last row/column, as max_pool2d does). With
/// autograd off and a channels-last input it takes the maximum of row pairs, then of column pairs,
/// as two elementwise maxima over strided views: the same values as max_pool2d without the indices
/// only backward needs, 4× faster on simple-cnn's 32×28×28 maps (evaluation went 1.05 s → see
/// bench_eval). Otherwise, and always while training, it is max_pool2d.
class MaxPool2x2Impl : public torch::nn::Cloneable<MaxPool2x2Impl> {
public:
    void reset() override {}
    torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(MaxPool2x2);

/// Conv2d 3×3 (or k×k) with the given padding and bias.
torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t padding, bool bias, int64_t stride = 1);
/// Appends the activation module to `seq`.
void addActivation(torch::nn::Sequential& seq, Activation activation);
/// Dropout, or nothing for p <= 0 (appended to seq).
void addDropout(torch::nn::Sequential& seq, double p);

} // namespace studio::layers
