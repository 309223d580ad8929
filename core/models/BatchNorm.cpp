#include "models/BatchNorm.h"

#include "models/MicroKernel.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace studio::batchnorm {
namespace {

constexpr int64_t kChunk = 256; ///< rows (pixels) whose sums are taken in float, before double

/// Σ (x − origin) over rows [r0, r1) into s and Σ (x − their mean)² into q, per channel (the
/// second pass over a chunk that is still in cache).
STUDIO_AVX2 void addMoments(const float* __restrict x, int64_t r0, int64_t r1, int64_t c,
                            const float* __restrict origin, float* __restrict s, float* __restrict q)
{
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t j = 0; j < c; ++j)
            s[j] += x[r * c + j] - origin[j];
    const float n = float(r1 - r0);
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t j = 0; j < c; ++j) {
            const float d = x[r * c + j] - origin[j] - s[j] / n;
            q[j] += d * d;
        }
}

/// y = max(0, (x − mean)·scale + shift + residual) over rows [r0, r1), per channel.
template <bool Residual, bool Relu>
STUDIO_AVX2 void normalizeRows(const float* __restrict x, const float* __restrict residual, int64_t r0, int64_t r1,
                               int64_t c, const float* __restrict mean, const float* __restrict scale,
                               const float* __restrict shift, float* __restrict y)
{
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t j = 0; j < c; ++j) {
            float v = (x[r * c + j] - mean[j]) * scale[j] + shift[j];
            if constexpr (Residual)
                v += residual[r * c + j];
            if constexpr (Relu)
                v = std::max(v, 0.0f);
            y[r * c + j] = v;
        }
}

/// The gradient reaching the batch norm's output: dy, zero where the ReLU's output was not positive.
template <bool Relu> STUDIO_AVX2 inline float reaching(float dy, float y)
{
    if constexpr (Relu)
        return y > 0.0f ? dy : 0.0f;
    return dy;
}

/// Σ g and Σ g·(x − mean) over rows [r0, r1) into s and q, per channel.
template <bool Relu>
STUDIO_AVX2 void addGradients(const float* __restrict dy, const float* __restrict y, const float* __restrict x,
                              int64_t r0, int64_t r1, int64_t c, const float* __restrict mean, float* __restrict s,
                              float* __restrict q)
{
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t j = 0; j < c; ++j) {
            const float g = reaching<Relu>(dy[r * c + j], Relu ? y[r * c + j] : 0.0f);
            s[j] += g;
            q[j] += g * (x[r * c + j] - mean[j]);
        }
}

/// dx = a·g − b·(x − mean) − o per channel over rows [r0, r1), and the residual's gradient g.
/// (Centred first: a channel whose mean is far larger than its spread loses no digits.)
template <bool Relu, bool Residual>
STUDIO_AVX2 void inputGradient(const float* __restrict dy, const float* __restrict y, const float* __restrict x,
                               int64_t r0, int64_t r1, int64_t c, const float* __restrict mean,
                               const float* __restrict a, const float* __restrict b, const float* __restrict o,
                               float* __restrict dx, float* __restrict dr)
{
    for (int64_t r = r0; r < r1; ++r)
        for (int64_t j = 0; j < c; ++j) {
            const float g = reaching<Relu>(dy[r * c + j], Relu ? y[r * c + j] : 0.0f);
            dx[r * c + j] = a[j] * g - b[j] * (x[r * c + j] - mean[j]) - o[j];
            if constexpr (Residual)
                dr[r * c + j] = g;
        }
}

/// Two per-channel sums over each chunk of kChunk rows, add(r0, r1, s, q) in float on the
/// intra-op threads: chunk i's s at [2ci, 2ci + c), its q after.
template <class Add> std::vector<double> chunkSums(int64_t rows, int64_t c, Add add)
{
    const auto chunks = (rows + kChunk - 1) / kChunk;
    std::vector<double> partial(chunks * 2 * c);
    at::parallel_for(0, chunks, 1, [&](int64_t first, int64_t last) {
        std::vector<float> sums(2 * c);
        for (int64_t chunk = first; chunk < last; ++chunk) {
            std::fill(sums.begin(), sums.end(), 0.0f);
            add(chunk * kChunk, std::min(rows, (chunk + 1) * kChunk), sums.data(), sums.data() + c);
            std::copy(sums.begin(), sums.end(), partial.begin() + chunk * 2 * c);
        }
    });
    return partial;
}

/// The chunks' sums added in order in double: {Σ s, Σ q}.
std::vector<double> inOrder(const std::vector<double>& partial, int64_t c)
{
    std::vector<double> total(2 * c, 0.0);
    for (std::size_t chunk = 0; chunk < partial.size() / (2 * c); ++chunk)
        for (int64_t i = 0; i < 2 * c; ++i)
            total[i] += partial[chunk * 2 * c + i];
    return total;
}

/// body(r0, r1) over chunks of rows on the intra-op threads.
template <class Body> void forRows(int64_t rows, Body body)
{
    at::parallel_for(0, (rows + kChunk - 1) / kChunk, 1,
                     [&](int64_t first, int64_t last) { body(first * kChunk, std::min(rows, last * kChunk)); });
}

torch::Tensor floats(const std::vector<float>& values)
{
    return torch::tensor(values, torch::kFloat);
}

struct Function : torch::autograd::Function<Function> {
    static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                                 const torch::Tensor& weight, const torch::Tensor& bias, const torch::Tensor& residual,
                                 const Running& running, bool relu)
    {
        const auto x = input.contiguous(at::MemoryFormat::ChannelsLast);
        const auto c = x.size(1), rows = x.numel() / c;
        const float* in = x.data_ptr<float>();
        // Each chunk's sum about the channel's first value and its squares about the chunk's own
        // mean, combined in order in double (Chan et al.): no digits lost however far the map
        // lies from zero.
        const std::vector<float> origin(in, in + c);
        const auto moments = chunkSums(rows, c, [&](int64_t r0, int64_t r1, float* s, float* q) {
            addMoments(in, r0, r1, c, origin.data(), s, q);
        });
        const auto totals = inOrder(moments, c);
        std::vector<double> squares(totals.begin() + c, totals.end());
        for (int64_t r0 = 0, chunk = 0; r0 < rows; r0 += kChunk, ++chunk) {
            const double n = double(std::min(kChunk, rows - r0));
            for (int64_t j = 0; j < c; ++j) {
                const double d = moments[chunk * 2 * c + j] / n - totals[j] / double(rows);
                squares[j] += n * d * d;
            }
        }
        // The mean as a float and the rest of it (lo): x − mean is taken in float, lo's share of it
        // goes into the shift, so a map far from zero keeps the digits of its spread.
        std::vector<float> mean(c), lo(c), invStd(c), scale(c), shift(c), batchVar(c);
        const auto gamma = weight.contiguous(), beta = bias.contiguous();
        for (int64_t j = 0; j < c; ++j) {
            const double m = origin[j] + totals[j] / double(rows), var = squares[j] / double(rows);
            mean[j] = float(m);
            lo[j] = float(m - double(mean[j]));
            batchVar[j] = float(var * double(rows) / double(rows - 1));
            invStd[j] = float(1.0 / std::sqrt(var + running.eps));
            scale[j] = gamma.data_ptr<float>()[j] * invStd[j];
            shift[j] = float(double(beta.data_ptr<float>()[j]) - double(lo[j]) * scale[j]);
        }
        auto y = at::empty_like(x, x.options().memory_format(at::MemoryFormat::ChannelsLast));
        const auto r = residual.numel() > 0 ? residual.contiguous(at::MemoryFormat::ChannelsLast) : torch::Tensor();
        const float* res = r.defined() ? r.data_ptr<float>() : nullptr;
        float* out = y.data_ptr<float>();
        forRows(rows, [&](int64_t r0, int64_t r1) {
            const auto run = [&](auto kernel) {
                kernel(in, res, r0, r1, c, mean.data(), scale.data(), shift.data(), out);
            };
            if (res)
                relu ? run(normalizeRows<true, true>) : run(normalizeRows<true, false>);
            else
                relu ? run(normalizeRows<false, true>) : run(normalizeRows<false, false>);
        });
        const auto m = running.momentum;
        running.mean.mul_(1 - m).add_(floats(mean), m);
        running.var.mul_(1 - m).add_(floats(batchVar), m);
        running.batches.add_(1);
        ctx->save_for_backward({x, weight, relu ? y : torch::Tensor()});
        ctx->saved_data["mean"] = floats(mean);
        ctx->saved_data["lo"] = floats(lo);
        ctx->saved_data["invStd"] = floats(invStd);
        ctx->saved_data["residual"] = r.defined();
        ctx->saved_data["relu"] = relu;
        return y;
    }

    static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                   torch::autograd::variable_list grads)
    {
        const auto saved = ctx->get_saved_variables();
        const auto& x = saved[0];
        const auto gamma = saved[1].contiguous();
        const bool relu = ctx->saved_data["relu"].toBool(), residual = ctx->saved_data["residual"].toBool();
        const auto meanT = ctx->saved_data["mean"].toTensor(), invStdT = ctx->saved_data["invStd"].toTensor();
        const auto loT = ctx->saved_data["lo"].toTensor();
        const float *mean = meanT.data_ptr<float>(), *lo = loT.data_ptr<float>(), *invStd = invStdT.data_ptr<float>();
        const auto dyT = grads[0].contiguous(at::MemoryFormat::ChannelsLast);
        const auto c = x.size(1), rows = x.numel() / c;
        const float *dy = dyT.data_ptr<float>(), *in = x.data_ptr<float>();
        const float* y = relu ? saved[2].data_ptr<float>() : nullptr;
        const auto sums = inOrder(chunkSums(rows, c,
                                            [&](int64_t r0, int64_t r1, float* s, float* q) {
                                                relu ? addGradients<true>(dy, y, in, r0, r1, c, mean, s, q)
                                                     : addGradients<false>(dy, y, in, r0, r1, c, mean, s, q);
                                            }),
                                  c);
        // dx = γ·σ⁻¹·(g − Σg/N − x̂·Σ(g·x̂)/N), x̂ = (x − mean)·σ⁻¹: a·g − b·(x − mean) − o.
        std::vector<float> dGamma(c), dBeta(c), a(c), b(c), o(c);
        for (int64_t j = 0; j < c; ++j) {
            dBeta[j] = float(sums[j]);
            const double centred = sums[c + j] - double(lo[j]) * sums[j]; // Σ g·(x − mean)
            dGamma[j] = float(centred * invStd[j]);
            a[j] = gamma.data_ptr<float>()[j] * invStd[j];
            b[j] = float(a[j] * invStd[j] * centred * invStd[j] / double(rows));
            o[j] = float(a[j] * sums[j] / double(rows) - double(b[j]) * lo[j]);
        }
        // The residual's gradient: g, which is dy itself without the ReLU.
        auto dx = at::empty_like(x);
        auto dr = residual ? (relu ? at::empty_like(x) : grads[0]) : torch::Tensor();
        float *gx = dx.data_ptr<float>(), *gr = residual && relu ? dr.data_ptr<float>() : nullptr;
        forRows(rows, [&](int64_t r0, int64_t r1) {
            const auto run = [&](auto kernel) {
                kernel(dy, y, in, r0, r1, c, mean, a.data(), b.data(), o.data(), gx, gr);
            };
            if (!relu)
                run(inputGradient<false, false>);
            else
                gr ? run(inputGradient<true, true>) : run(inputGradient<true, false>);
        });
        return {dx, floats(dGamma), floats(dBeta), dr, torch::Tensor(), torch::Tensor()};
    }
};

} // namespace

bool supports(const torch::Tensor& x)
{
    return x.dim() == 4 && x.device().is_cpu() && !x.is_mkldnn() && x.scalar_type() == torch::kFloat &&
           x.is_contiguous(at::MemoryFormat::ChannelsLast) && x.size(1) > 0 && x.numel() / x.size(1) > 1;
}

torch::Tensor train(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                    const Running& running, const torch::Tensor& residual, bool relu)
{
    return Function::apply(x, weight, bias, residual.defined() ? residual : at::empty({0}, x.options()), running, relu);
}

} // namespace studio::batchnorm
