// The 3×3 convolutions of seed 000's ResNet (stride 1, padding 1) one training step at a time:
// LibTorch's convolution (oneDNN) against the studio's Winograd kernels (models/Winograd.h),
// forward + input and weight gradients, and the largest difference between the two.
// usage: bench_convolution [THREADS] [BATCH] [REPEATS]
#include "BenchMain.h"

#include "models/Winograd.h"
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

Step step(bool winograd, const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& dy)
{
    const auto xv = x.detach().requires_grad_(), wv = w.detach().requires_grad_();
    const auto y = winograd ? winograd::conv3x3(xv, wv, c10::nullopt) : torch::conv2d(xv, wv, {}, 1, 1);
    y.backward(dy);
    return {y.detach(), xv.grad(), wv.grad()};
}

double medianMs(bool winograd, const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& dy, int repeats)
{
    std::vector<double> ms;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        step(winograd, x, w, dy);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::nth_element(ms.begin(), ms.begin() + repeats / 2, ms.end());
    return ms[repeats / 2];
}

/// Median ms of each Winograd pass by itself: forward, input gradient, weight gradient.
std::array<double, 3> passMs(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& dy, int repeats)
{
    std::array<double, 3> result{};
    for (int pass = 0; pass < 3; ++pass) {
        std::vector<double> ms;
        for (int i = 0; i < repeats; ++i) {
            const auto t0 = std::chrono::steady_clock::now();
            if (pass == 0)
                winograd::forward(x, w);
            else if (pass == 1)
                winograd::backwardInput(dy, w);
            else
                winograd::backwardWeight(dy, x);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        std::nth_element(ms.begin(), ms.begin() + repeats / 2, ms.end());
        result[pass] = ms[repeats / 2];
    }
    return result;
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
    configureTorchThread(threads);
    if (!winograd::available()) {
        std::printf("this CPU has no AVX2 + FMA: the Winograd kernels are not used\n");
        return 0;
    }
    torch::manual_seed(0);
    const int64_t shapes[][2] = {{32, 28}, {64, 14}, {128, 7}};
    for (const auto& [channels, size] : shapes) {
        const auto cl = at::MemoryFormat::ChannelsLast;
        const auto x = torch::randn({batch, channels, size, size}).contiguous(cl);
        const auto w = (torch::randn({channels, channels, 3, 3}) * 0.05).contiguous(cl);
        const auto dy = torch::randn({batch, channels, size, size}).contiguous(cl);
        const auto direct = step(false, x, w, dy), fast = step(true, x, w, dy);
        const double directMs = medianMs(false, x, w, dy, repeats), fastMs = medianMs(true, x, w, dy, repeats);
        const double gflop = 2.0 * 3 * 9 * channels * channels * size * size * batch / 1e9;
        std::printf(
            "%3lld->%-3lld at %2lldx%-2lld batch %lld, threads %d: direct %.1f ms (%.0f GFLOP/s), winograd %.1f ms "
            "(%.0f direct-equivalent GFLOP/s), %.2fx; max relative difference y %.1e dx %.1e dw %.1e\n",
            (long long)channels, (long long)channels, (long long)size, (long long)size, (long long)batch, threads,
            directMs, gflop / directMs * 1e3, fastMs, gflop / fastMs * 1e3, directMs / fastMs,
            maxRelative(fast.y, direct.y), maxRelative(fast.dx, direct.dx), maxRelative(fast.dw, direct.dw));
        const auto passes = passMs(x, w, dy, repeats);
        std::printf("           winograd passes: forward %.1f ms, input gradient %.1f, weight gradient %.1f\n",
                    passes[0], passes[1], passes[2]);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return bench::guarded("bench_convolution", [&] { return run(argc, argv); });
}
