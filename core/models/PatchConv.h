#pragma once
#include <c10/util/Optional.h>
#include <torch/types.h>

/// Convolutions as one matrix product of each output pixel's k×k×C input patch with the kernels,
/// on the Winograd kernels' AVX2 + FMA micro-kernel, written channels-last (the layout the next
/// layers keep): the ones Winograd's F(4×4, 3×3) does not take — a model's first layer (one to
/// four channels), resnet's stride-2 3×3 convolutions and its 1×1 stride-2 shortcuts. The weight
/// gradient is the same product the other way round (patches × output gradient, summed per
/// thread and then in a fixed order: reproducible); the input gradient is the output gradient ×
/// the kernels, added back into the patches' pixels (LibTorch's for one to four channels, which
/// training never needs for images). LibTorch's own convolution runs these shapes at about a third
/// of the machine's peak, the first layer's weight gradient at far less.
namespace studio::patchconv {

/// Whether conv takes a convolution of `x` with `weight` (K×C×k×k) at `stride` with padding k/2:
/// 4-d float CPU tensors, k 1 or 3, stride 1 or 2, C ≤ 4 or a multiple of 16, K a multiple of 16,
/// AVX2 + FMA on this machine.
bool supports(const torch::Tensor& x, const torch::Tensor& weight, int64_t stride = 1);

/// The convolution with autograd; the output is channels-last.
torch::Tensor conv(const torch::Tensor& x, const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias,
                   int64_t stride = 1);

/// The passes by themselves (no autograd): y = x ⋆ w (+ b); ∂L/∂w from ∂L/∂y and x for a k×k
/// kernel; ∂L/∂x (x's sizes) from ∂L/∂y and w.
torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {},
                      int64_t stride = 1);
torch::Tensor backwardWeight(const torch::Tensor& gradOutput, const torch::Tensor& x, int64_t kernel = 3,
                             int64_t stride = 1);
torch::Tensor backwardInput(const torch::Tensor& gradOutput, const torch::Tensor& weight, at::IntArrayRef inputSizes,
                            int64_t stride = 1);

} // namespace studio::patchconv
