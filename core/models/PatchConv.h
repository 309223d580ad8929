#pragma once
#include <c10/util/Optional.h>
#include <torch/types.h>

/// 3×3 convolutions (stride 1, zero padding 1) of an image with one to four channels — a model's
/// first layer — as one matrix product of each pixel's 3×3×C patch with the kernels, on the
/// Winograd kernels' AVX2 + FMA micro-kernel, written channels-last (the layout the next layers
/// keep). The weight gradient is the same product the other way round (patches × output
/// gradient, summed per thread and then in a fixed order: reproducible); the input gradient,
/// which training never needs for images, is LibTorch's. LibTorch's own convolution spends ~15 ms
/// of a resnet training step (batch 128) on this layer, two thirds of it in its weight gradient.
namespace studio::patchconv {

/// Whether conv3x3 takes a convolution of `x` with `weight` (K×C×3×3): 4-d float CPU tensors,
/// C ≤ 4, K a multiple of 16, AVX2 + FMA on this machine. Stride and padding are the caller's.
bool supports(const torch::Tensor& x, const torch::Tensor& weight);

/// The convolution with autograd; the output is channels-last, x's height and width.
torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias);

/// The passes by themselves (no autograd): y = x ⋆ w (+ b), and ∂L/∂w from ∂L/∂y and x.
torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {});
torch::Tensor backwardWeight(const torch::Tensor& gradOutput, const torch::Tensor& x);

} // namespace studio::patchconv
