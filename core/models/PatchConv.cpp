#include "models/PatchConv.h"

#include "models/MicroKernel.h"
#include "models/Winograd.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <vector>

namespace studio::patchconv {
namespace {

using kernels::microRows;

/// Image `n`'s patches: p[pixel][(a·3 + b)·C + c] = x[n][y + a − 1][x + b − 1][c], zero outside.
void gatherPatches(const float* x, int64_t n, int64_t h, int64_t w, int64_t c, float* p)
{
    const float* image = x + n * h * w * c;
    for (int64_t y = 0; y < h; ++y)
        for (int64_t col = 0; col < w; ++col, p += 9 * c)
            for (int64_t a = 0; a < 3; ++a)
                for (int64_t b = 0; b < 3; ++b) {
                    const auto yy = y + a - 1, xx = col + b - 1;
                    float* to = p + (a * 3 + b) * c;
                    if (yy < 0 || yy >= h || xx < 0 || xx >= w)
                        std::fill(to, to + c, 0.0f);
                    else
                        std::copy_n(image + (yy * w + xx) * c, c, to);
                }
}

struct PatchConvFunction : torch::autograd::Function<PatchConvFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& weight, const torch::Tensor& bias)
    {
        // No bias comes as an empty tensor: autograd functions take defined tensors only.
        ctx->save_for_backward({x, weight});
        ctx->saved_data["bias"] = bias.numel() > 0;
        return patchconv::forward(x, weight, bias.numel() > 0 ? bias : torch::Tensor());
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto dy = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
        torch::Tensor dx, dw, db;
        if (ctx->needs_input_grad(0))
            dx = std::get<0>(at::convolution_backward(dy, saved[0], saved[1], c10::nullopt, {1, 1}, {1, 1}, {1, 1},
                                                      false, {0, 0}, 1, {true, false, false}));
        if (ctx->needs_input_grad(1))
            dw = backwardWeight(dy, saved[0]).contiguous(saved[1].suggest_memory_format());
        if (ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2))
            db = dy.sum({0, 2, 3});
        return {dx, dw, db};
    }
};

} // namespace

bool supports(const torch::Tensor& x, const torch::Tensor& weight)
{
    return winograd::available() && x.dim() == 4 && weight.dim() == 4 && x.device().is_cpu() && !x.is_mkldnn() &&
           x.scalar_type() == torch::kFloat && weight.scalar_type() == torch::kFloat && weight.size(2) == 3 &&
           weight.size(3) == 3 && x.size(1) == weight.size(1) && x.size(1) >= 1 && x.size(1) <= 4 &&
           weight.size(0) % 16 == 0 && x.numel() > 0;
}

torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias)
{
    const auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), k = weight.size(0), depth = 9 * c;
    // The kernels as the product's right-hand side: wt[(a·3 + b)·C + c][k].
    const auto wt = weight.permute({2, 3, 1, 0}).contiguous();
    auto y = at::empty({n, k, h, w}, x.options().memory_format(at::MemoryFormat::ChannelsLast));
    const float *in = x.data_ptr<float>(), *right = wt.data_ptr<float>();
    const float* beta = bias.defined() ? bias.contiguous().data_ptr<float>() : nullptr;
    float* out = y.data_ptr<float>();
    at::parallel_for(0, n, 1, [&](int64_t first, int64_t last) {
        std::vector<float> patches(h * w * depth);
        for (int64_t image = first; image < last; ++image) {
            gatherPatches(in, image, h, w, c, patches.data());
            float* o = out + image * h * w * k;
            if (beta)
                for (int64_t p = 0; p < h * w; ++p)
                    std::copy_n(beta, k, o + p * k);
            for (int64_t p = 0; p < h * w; p += 6)
                for (int64_t panel = 0; panel < k / 16; ++panel)
                    microRows(std::min<int64_t>(6, h * w - p), depth, patches.data() + p * depth, depth, 1,
                              right + panel * 16, k, o + p * k + panel * 16, k, beta != nullptr);
        }
    });
    return y;
}

torch::Tensor backwardWeight(const torch::Tensor& gradOutput, const torch::Tensor& input)
{
    const auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
    const auto dy = gradOutput.contiguous(at::MemoryFormat::ChannelsLast);
    const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3), k = dy.size(1), depth = 9 * c;
    // ∂L/∂wt[j][k] = Σ_pixels patch[pixel][j] · dy[pixel][k], summed per share of images and then
    // in share order (the same shares every run on the same threads: a reproducible sum).
    const auto shares = std::clamp<int64_t>(n, 1, std::max(1, at::get_num_threads()));
    std::vector<std::vector<float>> partial(shares);
    const float *in = x.data_ptr<float>(), *g = dy.data_ptr<float>();
    at::parallel_for(0, shares, 1, [&](int64_t first, int64_t last) {
        std::vector<float> patches(h * w * depth);
        for (int64_t share = first; share < last; ++share) {
            auto& sum = partial[share];
            sum.assign(depth * k, 0.0f);
            for (int64_t image = n * share / shares; image < n * (share + 1) / shares; ++image) {
                gatherPatches(in, image, h, w, c, patches.data());
                for (int64_t j = 0; j < depth; j += 6)
                    for (int64_t panel = 0; panel < k / 16; ++panel)
                        microRows(std::min<int64_t>(6, depth - j), h * w, patches.data() + j, 1, depth,
                                  g + image * h * w * k + panel * 16, k, sum.data() + j * k + panel * 16, k, true);
            }
        }
    });
    for (int64_t share = 1; share < shares; ++share)
        std::transform(partial[0].begin(), partial[0].end(), partial[share].begin(), partial[0].begin(),
                       std::plus<float>());
    // wt[(a·3 + b)·C + c][k] back to the K×C×3×3 weight's layout.
    return torch::from_blob(partial[0].data(), {3, 3, c, k}, x.options()).permute({3, 2, 0, 1}).contiguous();
}

torch::Tensor conv3x3(const torch::Tensor& x, const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias)
{
    if (!c10::GradMode::is_enabled())
        return forward(x, weight, bias ? *bias : torch::Tensor());
    return PatchConvFunction::apply(x, weight, bias && bias->defined() ? *bias : at::empty({0}, weight.options()));
}

} // namespace studio::patchconv
