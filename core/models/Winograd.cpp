#include "models/Winograd.h"

#include "models/MicroKernel.h"
#include "models/WinogradTiles.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace studio::winograd {
namespace {
using kernels::microPanels;
using tiles::gradKernels;
using tiles::Shape;
using tiles::transformGradOutput;
using tiles::transformInput;
using tiles::transformKernels;
using tiles::transformOutput;

/// Runs body(first tile, tile count, scratch) over the blocks of `s` on the intra-op threads, each
/// chunk of blocks with its own scratch of `scratchFloats`.
template <class Body> void forEachBlock(const Shape& s, int64_t scratchFloats, Body body)
{
    const auto T = s.block(), blocks = (s.tiles() + T - 1) / T;
    at::parallel_for(0, blocks, 1, [&](int64_t first, int64_t last) {
        const std::unique_ptr<float[]> scratch(new float[scratchFloats]);
        for (int64_t b = first; b < last; ++b)
            body(b * T, std::min(T, s.tiles() - b * T), scratch.get());
    });
}

} // namespace

bool available()
{
    static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return ok;
}

bool supports(const torch::Tensor& x, const torch::Tensor& weight)
{
    return available() && x.dim() == 4 && weight.dim() == 4 && x.device().is_cpu() && !x.is_mkldnn() &&
           x.scalar_type() == torch::kFloat && weight.scalar_type() == torch::kFloat && weight.size(2) == 3 &&
           weight.size(3) == 3 && x.size(1) == weight.size(1) && x.size(1) % 16 == 0 && weight.size(0) % 16 == 0 &&
           x.numel() > 0;
}

torch::Tensor transformWeights(const torch::Tensor& weight)
{
    const auto k = weight.size(0), c = weight.size(1);
    const auto g = weight.permute({1, 2, 3, 0}).contiguous();
    auto transformed = at::empty({36 * c * k}, weight.options());
    at::parallel_for(0, c, 1, [&](int64_t first, int64_t last) {
        transformKernels(g.data_ptr<float>(), c, k, first, last, transformed.data_ptr<float>());
    });
    return transformed;
}

namespace {

/// The forward pass, of max(0, input) with `relu`, zeroed where `mask` (if defined) is not positive.
torch::Tensor convolve(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias,
                       const torch::Tensor& transformed, bool relu, const torch::Tensor& mask)
{
    const auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
    const auto z = mask.defined() ? mask.contiguous(at::MemoryFormat::ChannelsLast) : mask;
    const Shape s{x.size(0), x.size(2), x.size(3), x.size(1), weight.size(0)};
    auto y = at::empty({s.n, s.k, s.h, s.w}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
    const auto u = transformed.defined() ? transformed : transformWeights(weight);
    const auto b = bias.defined() ? bias.contiguous() : bias;
    const float *in = x.data_ptr<float>(), *beta = b.defined() ? b.data_ptr<float>() : nullptr;
    float* out = y.data_ptr<float>();
    const auto T = s.block();
    const std::vector<float> zeros(s.c, 0.0f);
    forEachBlock(s, s.scratch(s.block()), [&](int64_t t0, int64_t count, float* scratch) {
        float *v = scratch, *m = scratch + T * s.inputStride();
        transformInput(in, s, t0, count, zeros.data(), v, s.inputStride(), s.c, relu);
        for (int pos = 0; pos < 36; ++pos)
            for (int64_t panel = 0; panel < s.k / 16; panel += 2) {
                const float* up = u.data_ptr<float>() + (pos * (s.k / 16) + panel) * s.c * 16;
                for (int64_t r = 0; r < count; r += 6)
                    microPanels(std::min<int64_t>(6, count - r), std::min<int64_t>(2, s.k / 16 - panel), s.c,
                                v + r * s.inputStride() + pos * s.c, s.inputStride(), 1, up, 16, s.c * 16,
                                m + r * s.outputStride() + pos * s.k + panel * 16, s.outputStride(), false);
            }
        transformOutput(m, s, t0, count, beta, z.defined() ? z.data_ptr<float>() : nullptr, out);
    });
    return y;
}

} // namespace

torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias,
                      const torch::Tensor& transformed, bool reluInput)
{
    return convolve(input, weight, bias, transformed, reluInput, {});
}

torch::Tensor backwardInput(const torch::Tensor& gradOutput, const torch::Tensor& weight, const torch::Tensor& reluOf)
{
    // A stride-1, padding-1 3×3 convolution's input gradient is the output gradient convolved
    // (padding 1) with the kernel rotated by 180° and its channel axes swapped; through a ReLU,
    // zero where its input was not positive.
    return convolve(gradOutput, weight.flip({2, 3}).transpose(0, 1), {}, {}, false, reluOf);
}

torch::Tensor backwardWeight(const torch::Tensor& gradOutput, const torch::Tensor& input, bool reluInput)
{
    const auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
    const auto dy = gradOutput.contiguous(at::MemoryFormat::ChannelsLast);
    const Shape s{x.size(0), x.size(2), x.size(3), x.size(1), dy.size(1)};
    const auto T = s.weightBlock(), blocks = (s.tiles() + T - 1) / T;
    // ∂L/∂U[pos] = Σ_tiles V[pos]ᵀ ∂L/∂M[pos], summed per chunk of blocks and then in chunk order
    // (the same chunks every run on the same threads: a reproducible sum).
    const auto chunks = std::clamp<int64_t>(blocks, 1, std::max(1, at::get_num_threads())); // 1 for no tiles
    std::vector<std::vector<float>> partial(chunks);
    const std::vector<float> zeros(s.c, 0.0f);
    const float *in = x.data_ptr<float>(), *g = dy.data_ptr<float>();
    at::parallel_for(0, chunks, 1, [&](int64_t first, int64_t last) {
        const std::unique_ptr<float[]> scratch(new float[s.scratch(T)]);
        float *v = scratch.get(), *m = v + T * s.inputStride();
        for (int64_t chunk = first; chunk < last; ++chunk) {
            auto& du = partial[chunk];
            du.assign(36 * s.c * s.k, 0.0f);
            for (int64_t b = blocks * chunk / chunks; b < blocks * (chunk + 1) / chunks; ++b) {
                const auto t0 = b * T, count = std::min(T, s.tiles() - t0);
                transformInput(in, s, t0, count, zeros.data(), v, s.inputStride(), s.c, reluInput);
                transformGradOutput(g, s, t0, count, m);
                for (int pos = 0; pos < 36; ++pos)
                    for (int64_t ch = 0; ch < s.c; ch += 6)
                        for (int64_t panel = 0; panel < s.k / 16; panel += 2)
                            microPanels(std::min<int64_t>(6, s.c - ch), std::min<int64_t>(2, s.k / 16 - panel), count,
                                        v + pos * s.c + ch, 1, s.inputStride(), m + pos * s.k + panel * 16,
                                        s.outputStride(), 16, du.data() + (pos * s.c + ch) * s.k + panel * 16, s.k,
                                        true);
            }
        }
    });
    for (int64_t chunk = 1; chunk < chunks; ++chunk)
        std::transform(partial[0].begin(), partial[0].end(), partial[chunk].begin(), partial[0].begin(),
                       std::plus<float>());
    auto dg = at::empty({s.c, 3, 3, s.k}, x.options());
    at::parallel_for(0, s.c, 1, [&](int64_t first, int64_t last) {
        gradKernels(partial[0].data(), s.c, s.k, first, last, dg.data_ptr<float>());
    });
    const auto dw = dg.permute({3, 0, 1, 2}).contiguous();
    return dw;
}

namespace {

struct Conv3x3Function : torch::autograd::Function<Conv3x3Function> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& weight, const torch::Tensor& bias, bool relu)
    {
        // No bias comes as an empty tensor: autograd functions take defined tensors only. The input
        // is kept channels-last (the layout both passes read), converted once if it came otherwise.
        const auto input = x.contiguous(at::MemoryFormat::ChannelsLast);
        ctx->save_for_backward({input, weight});
        ctx->saved_data["bias"] = bias.numel() > 0;
        ctx->saved_data["relu"] = relu;
        return winograd::forward(input, weight, bias.numel() > 0 ? bias : torch::Tensor(), {}, relu);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto dy = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
        const bool relu = ctx->saved_data["relu"].toBool();
        torch::Tensor dx, dw, db;
        if (ctx->needs_input_grad(0))
            dx = backwardInput(dy, saved[1], relu ? saved[0] : torch::Tensor());
        if (ctx->needs_input_grad(1))
            dw = backwardWeight(dy, saved[0], relu).contiguous(saved[1].suggest_memory_format());
        if (ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2))
            db = dy.sum({0, 2, 3});
        return {dx, dw, db, torch::Tensor()};
    }
};

} // namespace

torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias,
                      bool reluInput)
{
    if (!c10::GradMode::is_enabled())
        return forward(x, weight, bias ? *bias : torch::Tensor(), {}, reluInput);
    return Conv3x3Function::apply(x, weight, bias && bias->defined() ? *bias : at::empty({0}, weight.options()),
                                  reluInput);
}

} // namespace studio::winograd
