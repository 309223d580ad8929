#pragma once
#include <torch/types.h>

/// A training step's batch norm over a channels-last map, with what follows it in a residual block
/// (+ the shortcut, ReLU) in the same passes: the forward pass reads the map twice and writes it
/// once, the backward pass reads the output gradient and the map twice and writes the input
/// gradient once (LibTorch 1.13's channels-last batch norm, addition and ReLU: 1.3–1.5× the time
/// forward + backward, 2–3× forward alone, at resnet's maps). Per-channel sums go by fixed chunks of rows in double and
/// then in order: the same bits on any number of threads. Inference (running statistics) stays LibTorch's, or is folded
/// into the convolution before (layers::foldBatchNorms).
namespace studio::batchnorm {

/// Whether train() takes `x`: a 4-d float CPU map, contiguous channels-last, more than one value
/// per channel.
bool supports(const torch::Tensor& x);

/// What train() updates besides its output: the running statistics as LibTorch's batch norm does
/// (momentum, the unbiased batch variance) and the count of batches.
struct Running {
    torch::Tensor mean, var, batches;
    double momentum, eps;
};

/// max(0, γ·(x − mean)/√(var + eps) + β + residual) with batch statistics, without `residual` if
/// it is undefined and without the max if !relu; autograd through x, γ, β and the residual.
torch::Tensor train(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                    const Running& running, const torch::Tensor& residual, bool relu);

} // namespace studio::batchnorm
