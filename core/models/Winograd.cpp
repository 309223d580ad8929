#include "models/Winograd.h"

#include "models/MicroKernel.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <vector>

namespace studio::winograd {
namespace {
using kernels::microPanels;

/// One convolution's geometry: NHWC input n×h×w×c, output n×h×w×k, tiles of 2×2 outputs whose
/// 4×4 input tiles start one row and column before them (the zero padding).
struct Shape {
    int64_t n, h, w, c, k;
    int64_t tilesY() const { return (h + 1) / 2; }
    int64_t tilesX() const { return (w + 1) / 2; }
    int64_t tiles() const { return n * tilesY() * tilesX(); }
    /// Tiles per block, a multiple of the micro-kernel's 6 rows: the block's transformed input and
    /// products (16 × tiles × (c + k) floats) stay within ~384 KB of cache.
    int64_t block() const { return std::max<int64_t>(6, 6144 / (c + k) / 6 * 6); }
    /// Floats from one tile's 16 transformed inputs (outputs) to the next's in a block: tile-major,
    /// padded by 16 so that successive tiles do not fall on the same cache sets (4 KB apart for 64
    /// channels unpadded, which made the weight gradient a third slower).
    int64_t inputStride() const { return 16 * c + 16; }
    int64_t outputStride() const { return 16 * k + 16; }
    int64_t scratch() const { return block() * (inputStride() + outputStride()); }
};

/// Where tile `t` lies: image, first input row and column (−1 at the top/left edge).
struct Tile {
    int64_t image, y, x;
    Tile(const Shape& s, int64_t t)
    {
        const auto perImage = s.tilesY() * s.tilesX(), r = t % perImage;
        image = t / perImage;
        y = 2 * (r / s.tilesX()) - 1;
        x = 2 * (r % s.tilesX()) - 1;
    }
};

/// V = Bᵀ d B of `count` tiles from t0, 8 channels at a time, into v: tile t's position pos at
/// v + t·tileStride + pos·posStride.
/// Row by row of Bᵀ d (each from two rows of the tile, reloaded from L1): a dozen registers live
/// instead of the whole tile's 32, which spilled. Taps outside the map read `zeros`. With `relu`,
/// the tile is max(0, d): the convolution of the ReLU of `in`.
STUDIO_AVX2 void transformInput(const float* in, const Shape& s, int64_t t0, int64_t count, const float* zeros,
                                float* __restrict v, int64_t tileStride, int64_t posStride, bool relu)
{
    const __m256 floor = relu ? _mm256_setzero_ps() : _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    const int64_t c = s.c, h = s.h, w = s.w; // locals: v's stores cannot alias them
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const float* at[4][4];
        for (int a = 0; a < 4; ++a)
            for (int b = 0; b < 4; ++b) {
                const auto y = tile.y + a, x = tile.x + b;
                const bool inside = y >= 0 && y < h && x >= 0 && x < w;
                at[a][b] = inside ? in + ((tile.image * h + y) * w + x) * c : zeros;
            }
        // Row a of Bᵀ d is d[i] + sign · d[j] for these rows (i, j) and signs.
        static constexpr int first[4] = {0, 1, 2, 1}, second[4] = {2, 2, 1, 3};
        static constexpr float sign[4] = {-1.0f, 1.0f, -1.0f, -1.0f};
        for (int64_t ch = 0; ch < c; ch += 8)
            for (int a = 0; a < 4; ++a) {
                const __m256 k = _mm256_set1_ps(sign[a]);
                __m256 r[4];
                for (int b = 0; b < 4; ++b)
                    r[b] = _mm256_fmadd_ps(k, _mm256_max_ps(floor, _mm256_loadu_ps(at[second[a]][b] + ch)),
                                           _mm256_max_ps(floor, _mm256_loadu_ps(at[first[a]][b] + ch)));
                float* o = v + t * tileStride + a * 4 * posStride + ch; // (Bᵀ d) B
                _mm256_storeu_ps(o, _mm256_sub_ps(r[0], r[2]));
                _mm256_storeu_ps(o + posStride, _mm256_add_ps(r[1], r[2]));
                _mm256_storeu_ps(o + 2 * posStride, _mm256_sub_ps(r[2], r[1]));
                _mm256_storeu_ps(o + 3 * posStride, _mm256_sub_ps(r[1], r[3]));
            }
    }
}

/// Stores `value` at `at`, or zero where `mask` (if any) at the same place is not positive.
STUDIO_AVX2 inline void store(float* at, const float* mask, __m256 value)
{
    if (mask)
        value = _mm256_and_ps(value, _mm256_cmp_ps(_mm256_loadu_ps(mask), _mm256_setzero_ps(), _CMP_GT_OQ));
    _mm256_storeu_ps(at, value);
}

/// Y = Aᵀ M A (+ bias) from m (tile t's position pos at m + t·outputStride + pos·k), written to the
/// NHWC output where it lies inside; with a `mask` (an NHWC map of the output's shape), zero where
/// the mask is not positive: the input gradient through a ReLU of that map.
STUDIO_AVX2 void transformOutput(const float* m, const Shape& s, int64_t t0, int64_t count, const float* bias,
                                 const float* mask, float* __restrict out)
{
    const int64_t h = s.h, w = s.w, k = s.k, stride = s.outputStride(); // locals: stores cannot alias them
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const auto y = tile.y + 1, x = tile.x + 1;
        const bool down = y + 1 < h, right = x + 1 < w;
        const auto offset = ((tile.image * h + y) * w + x) * k;
        float* o = out + offset;
        const float* z = mask ? mask + offset : nullptr;
        const auto at = [&](int64_t step) { return z ? z + step : nullptr; };
        for (int64_t ch = 0; ch < k; ch += 8) {
            __m256 q0[4], q1[4];
            for (int b = 0; b < 4; ++b) { // Aᵀ M
                const float* p = m + t * stride + b * k + ch;
                const auto m0 = _mm256_loadu_ps(p), m1 = _mm256_loadu_ps(p + 4 * k), m2 = _mm256_loadu_ps(p + 8 * k),
                           m3 = _mm256_loadu_ps(p + 12 * k);
                q0[b] = _mm256_add_ps(_mm256_add_ps(m0, m1), m2);
                q1[b] = _mm256_sub_ps(_mm256_sub_ps(m1, m2), m3);
            }
            const auto beta = bias ? _mm256_loadu_ps(bias + ch) : _mm256_setzero_ps();
            // (Aᵀ M) A: the first column q0 + q1 + q2, the second q1 − q2 − q3
            store(o + ch, at(ch), _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(q0[0], q0[1]), q0[2]), beta));
            if (right)
                store(o + k + ch, at(k + ch), _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(q0[1], q0[2]), q0[3]), beta));
            if (down)
                store(o + w * k + ch, at(w * k + ch),
                      _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(q1[0], q1[1]), q1[2]), beta));
            if (down && right)
                store(o + (w + 1) * k + ch, at((w + 1) * k + ch),
                      _mm256_add_ps(_mm256_sub_ps(_mm256_sub_ps(q1[1], q1[2]), q1[3]), beta));
        }
    }
}

/// ∂L/∂M = A (∂L/∂Y) Aᵀ of `count` tiles (outputs outside the map count as zero), into g laid out as
/// m in transformOutput.
STUDIO_AVX2 void transformGradOutput(const float* dy, const Shape& s, int64_t t0, int64_t count, float* __restrict g)
{
    const int64_t h = s.h, w = s.w, k = s.k, stride = s.outputStride(); // locals: stores cannot alias them
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const auto y = tile.y + 1, x = tile.x + 1;
        const bool down = y + 1 < h, right = x + 1 < w;
        const float* p = dy + ((tile.image * h + y) * w + x) * k;
        for (int64_t ch = 0; ch < k; ch += 8) {
            const auto zero = _mm256_setzero_ps();
            const __m256 y00 = _mm256_loadu_ps(p + ch), y01 = right ? _mm256_loadu_ps(p + k + ch) : zero,
                         y10 = down ? _mm256_loadu_ps(p + w * k + ch) : zero,
                         y11 = down && right ? _mm256_loadu_ps(p + (w + 1) * k + ch) : zero;
            // A u for u = (u0, u1): (u0, u0 + u1, u0 − u1, −u1), down the rows and then along them
            const __m256 e[4][2] = {{y00, y01},
                                    {_mm256_add_ps(y00, y10), _mm256_add_ps(y01, y11)},
                                    {_mm256_sub_ps(y00, y10), _mm256_sub_ps(y01, y11)},
                                    {_mm256_sub_ps(zero, y10), _mm256_sub_ps(zero, y11)}};
            for (int a = 0; a < 4; ++a) {
                float* o = g + t * stride + a * 4 * k + ch;
                _mm256_storeu_ps(o, e[a][0]);
                _mm256_storeu_ps(o + k, _mm256_add_ps(e[a][0], e[a][1]));
                _mm256_storeu_ps(o + 2 * k, _mm256_sub_ps(e[a][0], e[a][1]));
                _mm256_storeu_ps(o + 3 * k, _mm256_sub_ps(zero, e[a][1]));
            }
        }
    }
}

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
    const auto w = weight.contiguous();
    const auto k = w.size(0), c = w.size(1);
    const float* g = w.data_ptr<float>();
    auto transformed = at::empty({16 * c * k}, w.options());
    float* u = transformed.data_ptr<float>();
    for (int64_t o = 0; o < k; ++o)
        for (int64_t i = 0; i < c; ++i) {
            const float* f = g + (o * c + i) * 9;
            float t[4][3]; // G g
            for (int j = 0; j < 3; ++j) {
                t[0][j] = f[j];
                t[1][j] = 0.5f * (f[j] + f[3 + j] + f[6 + j]);
                t[2][j] = 0.5f * (f[j] - f[3 + j] + f[6 + j]);
                t[3][j] = f[6 + j];
            }
            for (int a = 0; a < 4; ++a) { // (G g) Gᵀ
                const float row[4] = {t[a][0], 0.5f * (t[a][0] + t[a][1] + t[a][2]),
                                      0.5f * (t[a][0] - t[a][1] + t[a][2]), t[a][2]};
                for (int b = 0; b < 4; ++b)
                    u[((((a * 4 + b) * (k / 16) + o / 16) * c) + i) * 16 + o % 16] = row[b];
            }
        }
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
    forEachBlock(s, s.scratch(), [&](int64_t t0, int64_t count, float* scratch) {
        float *v = scratch, *m = scratch + T * s.inputStride();
        transformInput(in, s, t0, count, zeros.data(), v, s.inputStride(), s.c, relu);
        for (int pos = 0; pos < 16; ++pos)
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
    const auto T = s.block(), blocks = (s.tiles() + T - 1) / T;
    // ∂L/∂U[pos] = Σ_tiles V[pos]ᵀ ∂L/∂M[pos], summed per chunk of blocks and then in chunk order
    // (the same chunks every run on the same threads: a reproducible sum).
    const auto chunks = std::clamp<int64_t>(blocks, 1, std::max(1, at::get_num_threads())); // 1 for no tiles
    std::vector<std::vector<float>> partial(chunks);
    const std::vector<float> zeros(s.c, 0.0f);
    const float *in = x.data_ptr<float>(), *g = dy.data_ptr<float>();
    at::parallel_for(0, chunks, 1, [&](int64_t first, int64_t last) {
        const std::unique_ptr<float[]> scratch(new float[s.scratch()]);
        float *v = scratch.get(), *m = v + T * s.inputStride();
        for (int64_t chunk = first; chunk < last; ++chunk) {
            auto& du = partial[chunk];
            du.assign(16 * s.c * s.k, 0.0f);
            for (int64_t b = blocks * chunk / chunks; b < blocks * (chunk + 1) / chunks; ++b) {
                const auto t0 = b * T, count = std::min(T, s.tiles() - t0);
                transformInput(in, s, t0, count, zeros.data(), v, s.inputStride(), s.c, reluInput);
                transformGradOutput(g, s, t0, count, m);
                for (int pos = 0; pos < 16; ++pos)
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
    // ∂L/∂g = Gᵀ (∂L/∂U) G per kernel.
    auto dw = at::empty({s.k, s.c, 3, 3}, x.options().memory_format(at::MemoryFormat::Contiguous));
    float* out = dw.data_ptr<float>();
    const auto& du = partial[0];
    for (int64_t o = 0; o < s.k; ++o)
        for (int64_t i = 0; i < s.c; ++i) {
            float h[4][3];
            for (int a = 0; a < 4; ++a) {
                const auto at = [&](int b) { return du[((a * 4 + b) * s.c + i) * s.k + o]; };
                h[a][0] = at(0) + 0.5f * (at(1) + at(2));
                h[a][1] = 0.5f * (at(1) - at(2));
                h[a][2] = 0.5f * (at(1) + at(2)) + at(3);
            }
            float* f = out + (o * s.c + i) * 9;
            for (int j = 0; j < 3; ++j) {
                f[j] = h[0][j] + 0.5f * (h[1][j] + h[2][j]);
                f[3 + j] = 0.5f * (h[1][j] - h[2][j]);
                f[6 + j] = 0.5f * (h[1][j] + h[2][j]) + h[3][j];
            }
        }
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
