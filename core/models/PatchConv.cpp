#include "models/PatchConv.h"

#include "models/MicroKernel.h"
#include "models/Winograd.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <vector>

namespace studio::patchconv {
namespace {

using kernels::microPanels;
constexpr auto channelsLast = at::MemoryFormat::ChannelsLast;

/// An input of n×c×h×w convolved with k kernels of kernel×kernel at `stride`, padding kernel/2.
struct Geometry {
    int64_t n, c, h, w, k, kernel, stride, pad, oh, ow;

    Geometry(at::IntArrayRef input, int64_t kernels, int64_t kernel, int64_t stride)
        : n(input[0]), c(input[1]), h(input[2]), w(input[3]), k(kernels), kernel(kernel), stride(stride),
          pad(kernel / 2), oh((h + 2 * pad - kernel) / stride + 1), ow((w + 2 * pad - kernel) / stride + 1)
    {
    }
    int64_t depth() const { return kernel * kernel * c; }
    int64_t pixels() const { return oh * ow; }
    int64_t imageSize() const { return h * w * c; }
};

/// Calls visit(patch entry, image pixel or nullptr outside) for each output pixel's patch
/// p[pixel][(a·kernel + b)·C .. + C) ↔ image[y·stride + a − pad][x·stride + b − pad][0 .. C).
template <class Patch, class Pixel, class Visit>
void forEachPatchEntry(const Geometry& g, Patch* p, Pixel* image, Visit visit)
{
    for (int64_t y = 0; y < g.oh; ++y)
        for (int64_t x = 0; x < g.ow; ++x)
            for (int64_t a = 0; a < g.kernel; ++a)
                for (int64_t b = 0; b < g.kernel; ++b, p += g.c) {
                    const auto iy = y * g.stride + a - g.pad, ix = x * g.stride + b - g.pad;
                    const bool inside = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
                    visit(p, inside ? image + (iy * g.w + ix) * g.c : nullptr);
                }
}

/// One image's patches, zero outside the image.
void gatherPatches(const float* image, const Geometry& g, float* p)
{
    forEachPatchEntry(g, p, image, [c = g.c](float* to, const float* from) {
        if (from)
            std::copy_n(from, c, to);
        else
            std::fill(to, to + c, 0.0f);
    });
}

/// The inverse for gradients: each patch entry added into the image pixel it came from.
void scatterPatches(const float* p, const Geometry& g, float* image)
{
    std::fill(image, image + g.imageSize(), 0.0f);
    forEachPatchEntry(g, p, image, [c = g.c](const float* from, float* to) {
        if (to)
            std::transform(from, from + c, to, to, std::plus<float>());
    });
}

struct PatchConvFunction : torch::autograd::Function<PatchConvFunction> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x,
                                 const torch::Tensor& weight, const torch::Tensor& bias, int64_t stride)
    {
        // No bias comes as an empty tensor: autograd functions take defined tensors only.
        ctx->save_for_backward({x, weight});
        ctx->saved_data["bias"] = bias.numel() > 0;
        ctx->saved_data["stride"] = stride;
        return patchconv::forward(x, weight, bias.numel() > 0 ? bias : torch::Tensor(), stride);
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto &x = saved[0], &weight = saved[1];
        const auto dy = grads[0].contiguous(channelsLast);
        const auto stride = ctx->saved_data["stride"].toInt(), kernel = weight.size(2);
        torch::Tensor dx, dw, db;
        if (ctx->needs_input_grad(0) && weight.size(1) % 16 == 0)
            dx = backwardInput(dy, weight, x.sizes(), stride);
        else if (ctx->needs_input_grad(0))
            dx = std::get<0>(at::convolution_backward(dy, x, weight, c10::nullopt, {stride, stride},
                                                      {kernel / 2, kernel / 2}, {1, 1}, false, {0, 0}, 1,
                                                      {true, false, false}));
        if (ctx->needs_input_grad(1))
            dw = backwardWeight(dy, x, kernel, stride).contiguous(weight.suggest_memory_format());
        if (ctx->saved_data["bias"].toBool() && ctx->needs_input_grad(2))
            db = dy.sum({0, 2, 3});
        return {dx, dw, db, torch::Tensor()};
    }
};

} // namespace

bool supports(const torch::Tensor& x, const torch::Tensor& weight, int64_t stride)
{
    if (!winograd::available() || x.dim() != 4 || weight.dim() != 4 || !x.device().is_cpu() || x.is_mkldnn() ||
        x.scalar_type() != torch::kFloat || weight.scalar_type() != torch::kFloat || x.numel() == 0)
        return false;
    const auto c = x.size(1), kernel = weight.size(2);
    return (kernel == 1 || kernel == 3) && weight.size(3) == kernel && (stride == 1 || stride == 2) &&
           weight.size(1) == c && (c <= 4 || c % 16 == 0) && weight.size(0) % 16 == 0;
}

torch::Tensor forward(const torch::Tensor& input, const torch::Tensor& weight, const torch::Tensor& bias,
                      int64_t stride)
{
    const auto x = input.contiguous(channelsLast);
    const Geometry g(x.sizes(), weight.size(0), weight.size(2), stride);
    const int64_t k = g.k, depth = g.depth(), pixels = g.pixels();
    // The kernels as the product's right-hand side: wt[(a·kernel + b)·C + c][k].
    const auto wt = weight.permute({2, 3, 1, 0}).contiguous();
    auto y = at::empty({g.n, k, g.oh, g.ow}, x.options().memory_format(channelsLast));
    const float *in = x.data_ptr<float>(), *right = wt.data_ptr<float>();
    const float* beta = bias.defined() ? bias.contiguous().data_ptr<float>() : nullptr;
    float* out = y.data_ptr<float>();
    at::parallel_for(0, g.n, 1, [&](int64_t first, int64_t last) {
        std::vector<float> patches(pixels * depth);
        for (int64_t image = first; image < last; ++image) {
            gatherPatches(in + image * g.imageSize(), g, patches.data());
            float* o = out + image * pixels * k;
            if (beta)
                for (int64_t p = 0; p < pixels; ++p)
                    std::copy_n(beta, k, o + p * k);
            for (int64_t p = 0; p < pixels; p += 6)
                microPanels(std::min<int64_t>(6, pixels - p), k / 16, depth, patches.data() + p * depth, depth, 1,
                            right, k, 16, o + p * k, k, beta != nullptr);
        }
    });
    return y;
}

torch::Tensor backwardWeight(const torch::Tensor& gradOutput, const torch::Tensor& input, int64_t kernel,
                             int64_t stride)
{
    const auto x = input.contiguous(channelsLast);
    const auto dy = gradOutput.contiguous(channelsLast);
    const Geometry g(x.sizes(), dy.size(1), kernel, stride);
    const int64_t k = g.k, depth = g.depth(), pixels = g.pixels();
    // ∂L/∂wt[j][k] = Σ_pixels patch[pixel][j] · dy[pixel][k], summed per share of images and then
    // in share order (the same shares every run on the same threads: a reproducible sum). Small
    // maps go a few images at a time (their output gradients are consecutive rows) so that each
    // product is long enough to be worth its accumulators' loads and stores.
    const auto shares = std::clamp<int64_t>(g.n, 1, std::max(1, at::get_num_threads()));
    const auto group = std::max<int64_t>(1, 256 / pixels);
    std::vector<std::vector<float>> partial(shares);
    const float *in = x.data_ptr<float>(), *gradient = dy.data_ptr<float>();
    at::parallel_for(0, shares, 1, [&](int64_t first, int64_t last) {
        std::vector<float> patches(group * pixels * depth);
        for (int64_t share = first; share < last; ++share) {
            auto& sum = partial[share];
            sum.assign(depth * k, 0.0f);
            const auto end = g.n * (share + 1) / shares;
            for (int64_t image = g.n * share / shares; image < end; image += group) {
                const auto count = std::min(group, end - image), rows = count * pixels;
                for (int64_t i = 0; i < count; ++i)
                    gatherPatches(in + (image + i) * g.imageSize(), g, patches.data() + i * pixels * depth);
                for (int64_t j = 0; j < depth; j += 6)
                    microPanels(std::min<int64_t>(6, depth - j), k / 16, rows, patches.data() + j, 1, depth,
                                gradient + image * pixels * k, k, 16, sum.data() + j * k, k, true);
            }
        }
    });
    for (int64_t share = 1; share < shares; ++share)
        std::transform(partial[0].begin(), partial[0].end(), partial[share].begin(), partial[0].begin(),
                       std::plus<float>());
    // wt[(a·kernel + b)·C + c][k] back to the K×C×kernel×kernel weight's layout.
    return torch::from_blob(partial[0].data(), {kernel, kernel, g.c, k}, x.options())
        .permute({3, 2, 0, 1})
        .contiguous();
}

torch::Tensor backwardInput(const torch::Tensor& gradOutput, const torch::Tensor& weight, at::IntArrayRef inputSizes,
                            int64_t stride)
{
    const auto dy = gradOutput.contiguous(channelsLast);
    const Geometry g(inputSizes, weight.size(0), weight.size(2), stride);
    const int64_t k = g.k, depth = g.depth(), pixels = g.pixels();
    TORCH_CHECK(depth % 16 == 0, "patchconv::backwardInput needs patches of a multiple of 16 values");
    // ∂L/∂patch[pixel][j] = Σ_k dy[pixel][k] · w[k][j], then each patch entry back to its pixel.
    const auto wk = weight.permute({0, 2, 3, 1}).contiguous();
    auto dx = at::empty(inputSizes, dy.options().memory_format(channelsLast));
    const float *gradient = dy.data_ptr<float>(), *right = wk.data_ptr<float>();
    float* out = dx.data_ptr<float>();
    at::parallel_for(0, g.n, 1, [&](int64_t first, int64_t last) {
        std::vector<float> patches(pixels * depth);
        for (int64_t image = first; image < last; ++image) {
            const float* left = gradient + image * pixels * k;
            for (int64_t p = 0; p < pixels; p += 6)
                microPanels(std::min<int64_t>(6, pixels - p), depth / 16, k, left + p * k, k, 1, right, depth, 16,
                            patches.data() + p * depth, depth, false);
            scatterPatches(patches.data(), g, out + image * g.imageSize());
        }
    });
    return dx;
}

torch::Tensor conv(const torch::Tensor& x, const torch::Tensor& weight, const c10::optional<torch::Tensor>& bias,
                   int64_t stride)
{
    if (!c10::GradMode::is_enabled())
        return forward(x, weight, bias ? *bias : torch::Tensor(), stride);
    return PatchConvFunction::apply(x, weight, bias && bias->defined() ? *bias : at::empty({0}, weight.options()),
                                    stride);
}

} // namespace studio::patchconv
