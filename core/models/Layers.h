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

/// torch::nn::Conv2d that can score small batches on two threads. LibTorch 1.13 sends a
/// convolution of one image with a 3×3 (or smaller) kernel and at most 20,480 input values to its
/// reference im2col kernel (aten::_slow_conv2d_forward), which does not gain from a second thread:
/// deeper-cnn's forward pass for one drawing took 0.87 ms on one thread and 1.10 ms on two, resnet
/// 2.19 and 2.87 ms. Without autograd, on more than one thread and with fewer than 16 images this
/// calls oneDNN (at::mkldnn_convolution: the same convolution, LibTorch's kernel for larger
/// inputs): 0.61 and 1.42 ms on two threads. On one thread LibTorch's choice stands (it is the
/// faster there for the small models). Same parameters, names and checkpoints.
class Conv2dImpl : public torch::nn::Conv2dImpl {
public:
    explicit Conv2dImpl(const torch::nn::Conv2dOptions& options) : torch::nn::Conv2dImpl(options) {}
    torch::Tensor forward(const torch::Tensor& x);
    /// A copy of this class (Conv2d's clone would copy the base class only).
    std::shared_ptr<torch::nn::Module> clone(const c10::optional<torch::Device>& device = c10::nullopt) const override;
};
TORCH_MODULE(Conv2d);

/// Conv2d 3×3 (or k×k) with the given padding and bias.
Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t padding, bool bias, int64_t stride = 1);
/// Appends the activation module to `seq`.
void addActivation(torch::nn::Sequential& seq, Activation activation);
/// Dropout, or nothing for p <= 0 (appended to seq).
void addDropout(torch::nn::Sequential& seq, double p);

} // namespace studio::layers
