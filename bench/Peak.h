// The machine's measured compute peak, for the benchmarks' GFLOP/s figures, on the calling
// thread's torch threads (set them first). Two measurements, because neither alone is the peak
// here: a 2048² single-precision GEMM (torch::mm; Debian's LibTorch hands it to OpenBLAS, which
// the studio keeps on the calling thread, util/TorchThreads.cpp, so it is one core's) and a large
// 3×3 convolution through oneDNN (batch 64, 64→64 channels at 28×28, channels-last: the engine
// the models' convolutions use, which reached ~113 GFLOP/s on one core against OpenBLAS's ~99).
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <functional>

namespace studio::bench {

struct Peak {
    double gemm = 0;        ///< GFLOP/s of torch::mm, 2048²
    double convolution = 0; ///< GFLOP/s of a 3×3 convolution, 64 channels, batch 64 at 28×28
    double best() const { return std::max(gemm, convolution); }
};

/// GFLOP/s of `op` (`flops` operations a call): the best of five half-second runs after a warm-up
/// call (a peak is what the machine can do; a run a neighbour slowed down is not it).
inline double gflopsOf(const std::function<void()>& op, double flops)
{
    op(); // warm-up: threads started, buffers and kernels chosen
    using Clock = std::chrono::steady_clock;
    double best = 0;
    for (int run = 0; run < 5; ++run) {
        const auto start = Clock::now();
        int reps = 0;
        double seconds = 0;
        do {
            op();
            ++reps;
            seconds = std::chrono::duration<double>(Clock::now() - start).count();
        } while (seconds < 0.5);
        best = std::max(best, flops * reps / seconds / 1e9);
    }
    return best;
}

inline Peak measurePeak()
{
    torch::NoGradGuard noGrad;
    Peak p;
    const std::int64_t n = 2048;
    const auto a = torch::randn({n, n}), b = torch::randn({n, n});
    p.gemm = gflopsOf([&] { torch::mm(a, b); }, 2.0 * double(n * n * n));
    const auto x = torch::randn({64, 64, 28, 28}).contiguous(at::MemoryFormat::ChannelsLast);
    const auto w = torch::randn({64, 64, 3, 3}).contiguous(at::MemoryFormat::ChannelsLast);
    p.convolution = gflopsOf([&] { torch::conv2d(x, w, {}, 1, 1); }, 2.0 * 64 * 28 * 28 * 64 * 64 * 9);
    return p;
}

} // namespace studio::bench
