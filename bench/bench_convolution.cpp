// The convolutions of seed 000's ResNet one training step at a time: LibTorch's convolution
// (oneDNN) against the studio's — Winograd's for the 3×3 stride-1 layers (models/Winograd.h),
// patch products for the stride-2 3×3 layers and 1×1 shortcuts (models/PatchConv.h) — forward +
// input and weight gradients, and the largest difference between the two.
// usage: bench_convolution [THREADS] [BATCH] [REPEATS]
#include "BenchMain.h"

#include "models/PatchConv.h"
#include "models/Winograd.h"
#include "util/Allocator.h"
#include "util/TorchThreads.h"

#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace studio;

namespace {

struct Step {
    torch::Tensor y, dx, dw;
};

enum class Kind { Direct, Winograd, Patch };

Step step(Kind kind, const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& dy, int64_t stride = 1)
{
    const auto xv = x.detach().requires_grad_(), wv = w.detach().requires_grad_();
    const auto y = kind == Kind::Winograd ? winograd::conv3x3(xv, wv, c10::nullopt)
                   : kind == Kind::Patch  ? patchconv::conv(xv, wv, c10::nullopt, stride)
                                          : torch::conv2d(xv, wv, {}, stride, w.size(2) / 2);
    y.backward(dy);
    return {y.detach(), xv.grad(), wv.grad()};
}

template <class Work> double medianMs(int repeats, Work work)
{
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        work();
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::nth_element(ms.begin(), ms.begin() + repeats / 2, ms.end());
    return ms[repeats / 2];
}

double maxRelative(const torch::Tensor& a, const torch::Tensor& b)
{
    return ((a - b).abs().max() / b.abs().max()).item<double>();
}

int run(int argc, char** argv)
{
    const int threads = argc > 1 ? std::atoi(argv[1]) : 2;
    const int64_t batch = argc > 2 ? std::atoll(argv[2]) : 128;
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 15;
    keepFreedMemoryMapped(); // as the trainer does: no page faults on every large allocation
    configureTorchThread(threads);
    if (!winograd::available()) {
        std::printf("this CPU has no AVX2 + FMA: the Winograd kernels are not used\n");
        return 0;
    }
    torch::manual_seed(0);
    const auto cl = at::MemoryFormat::ChannelsLast;
    // {input channels, output channels, input size, kernel, stride}: Winograd's layers, then the
    // patch products' (the stem, stride-2 3×3, 1×1 stride-2 shortcuts).
    const int64_t shapes[][5] = {{32, 32, 28, 3, 1}, {64, 64, 14, 3, 1},  {128, 128, 7, 3, 1}, {1, 32, 28, 3, 1},
                                 {32, 64, 28, 3, 2}, {64, 128, 14, 3, 2}, {32, 64, 28, 1, 2},  {64, 128, 14, 1, 2}};
    for (const auto& [in, out, size, kernel, stride] : shapes) {
        const auto kind =
            winograd::supports(torch::empty({1, in, size, size}), torch::empty({out, in, kernel, kernel})) &&
                    kernel == 3 && stride == 1
                ? Kind::Winograd
                : Kind::Patch;
        const auto outSize = (size - 1) / stride + 1;
        const auto x = torch::randn({batch, in, size, size}).contiguous(cl);
        const auto w = (torch::randn({out, in, kernel, kernel}) * 0.05).contiguous(cl);
        const auto dy = torch::randn({batch, out, outSize, outSize}).contiguous(cl);
        const auto direct = step(Kind::Direct, x, w, dy, stride), fast = step(kind, x, w, dy, stride);
        const double directMs = medianMs(repeats, [&] { step(Kind::Direct, x, w, dy, stride); });
        const double fastMs = medianMs(repeats, [&] { step(kind, x, w, dy, stride); });
        const double gflop = 2.0 * 3 * kernel * kernel * in * out * outSize * outSize * batch / 1e9;
        std::printf(
            "%3lld->%-3lld %lldx%lld s%lld at %2lldx%-2lld batch %lld, threads %d: direct %.1f ms (%.0f GFLOP/s), "
            "%s %.1f ms (%.0f direct-equivalent GFLOP/s), %.2fx; max relative difference y %.1e dx %.1e dw "
            "%.1e\n",
            (long long)in, (long long)out, (long long)kernel, (long long)kernel, (long long)stride, (long long)size,
            (long long)size, (long long)batch, threads, directMs, gflop / directMs * 1e3,
            kind == Kind::Winograd ? "winograd" : "patch", fastMs, gflop / fastMs * 1e3, directMs / fastMs,
            maxRelative(fast.y, direct.y), maxRelative(fast.dx, direct.dx), maxRelative(fast.dw, direct.dw));
        std::array<double, 3> passes{};
        if (kind == Kind::Winograd) {
            passes = {medianMs(repeats, [&] { winograd::forward(x, w); }),
                      medianMs(repeats, [&] { winograd::backwardInput(dy, w); }),
                      medianMs(repeats, [&] { winograd::backwardWeight(dy, x); })};
        } else {
            passes = {medianMs(repeats, [&] { patchconv::forward(x, w, {}, stride); }),
                      in % 16 ? 0.0 : medianMs(repeats, [&] { patchconv::backwardInput(dy, w, x.sizes(), stride); }),
                      medianMs(repeats, [&] { patchconv::backwardWeight(dy, x, kernel, stride); })};
        }
        std::printf(
            "           %s passes: forward %.1f ms, input gradient %.1f (0: LibTorch's), weight gradient %.1f\n",
            kind == Kind::Winograd ? "winograd" : "patch", passes[0], passes[1], passes[2]);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return bench::guarded("bench_convolution", [&] { return run(argc, argv); });
}
