#pragma once
#include <c10/util/Optional.h>
#include <torch/types.h>

/// 3×3 convolutions (stride 1, zero padding 1, no dilation or groups) by Winograd's minimal
/// filtering F(4×4, 3×3) (Lavin and Gray's points 0, ±1, ±2): each 4×4 block of outputs from its
/// 6×6 input tile with 36 multiplies per channel pair instead of 144, so 4× fewer multiply-adds than
/// the direct convolution LibTorch runs (oneDNN's; fewer where the map is not a multiple of 4). The
/// tiles' transforms are fused with the 36 matrix products block by block (a few dozen tiles at a
/// time, in cache), on AVX2 + FMA (the products 512 bits wide where the CPU has AVX-512), in the
/// channels-last layout the models keep. The input gradient is the same convolution with the kernel
/// flipped and transposed; the weight gradient is Winograd's too (the 36 products reduced over
/// tiles). Results equal the direct convolution's to within ~1e-5 of the largest value (single
/// precision; the larger tiles round more than F(2×2, 3×3)'s ~1e-6, as in cuDNN's and oneDNN's own
/// Winograd kernels).
namespace studio::winograd {

/// Whether this machine can run these kernels (AVX2 and FMA).
bool available();

/// Whether conv3x3 takes a convolution of `x` with `weight` (K×C×3×3): 4-d float CPU tensors, C and
/// K multiples of 16, this machine available(). Stride, padding and so on are the caller's to check.
bool supports(const torch::Tensor& x, const torch::Tensor& weight);

/// The convolution with autograd (x, weight and bias get gradients as they require them). The
/// output is channels-last, x's height and width. With `reluInput`, the convolution of relu(x)
/// without a map of relu(x): the tiles are clamped as they are read, and x's gradient is zeroed
/// where x was not positive as it is written (two passes over the map fewer each way).
torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias,
                      bool reluInput = false);

/// The weights as the forward pass multiplies them: U = G g Gᵀ for every kernel g, 36 × C × K
/// floats laid out u[pos][k / 16][c][k % 16] (the micro-kernel's 16-column panels). A forward
/// pass transforms them itself unless given them (inference with unchanging weights).
torch::Tensor transformWeights(const torch::Tensor& weight);

/// The three passes by themselves (no autograd): y = x ⋆ w (+ b), ∂L/∂x from ∂L/∂y, ∂L/∂w from
/// ∂L/∂y and x; with reluInput / reluOf, of relu(x) (the input gradient zero where reluOf ≤ 0).
torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias = {},
                      const torch::Tensor& transformed = {}, bool reluInput = false);
torch::Tensor backwardInput(const torch::Tensor& gradOutput, const torch::Tensor& weight,
                            const torch::Tensor& reluOf = {});
torch::Tensor backwardWeight(const torch::Tensor& gradOutput, const torch::Tensor& x, bool reluInput = false);

/// Process-wide switch for layers::Conv2d's use of these kernels and of the patch products
/// (PatchConv.h): setEnabled(true) always, setEnabled(false) never — as MNIST_STUDIO_WINOGRAD=1 or
/// 0 in the environment do (benchmarks compare the two that way) — and by default for every float
/// convolution they support: with AVX-512 too, where the micro-kernel multiplies 512 bits wide
/// (bench_convolution on a Zen 5, batch 128, 2 threads: resnet's 3×3 stride-1 layers 1.0–2.65×
/// oneDNN's speed, the patch products 0.9–1.25×). Not by default under autocast (precision
/// bfloat16), whose bfloat16 convolutions are LibTorch's. resetEnabled() returns to the
/// environment's setting.
void setEnabled(bool enabled);
void resetEnabled();
/// Not switched off (nor Suspended on this thread).
bool enabled();
/// Whether layers should convolve with these kernels (enabled() and the default's rule).
bool preferred();

/// While one lives, this thread's convolutions are LibTorch's (ModelSummary counts their
/// multiply-adds from the profiler's aten::conv2d events).
class Suspend {
public:
    Suspend();
    ~Suspend();
    Suspend(const Suspend&) = delete;
    Suspend& operator=(const Suspend&) = delete;
};

} // namespace studio::winograd
