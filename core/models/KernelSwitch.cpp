// winograd::enabled() and its kin (models/Winograd.h): which convolutions layers::Conv2d gives the
// studio's own kernels (Winograd.cpp, PatchConv.cpp) rather than LibTorch's.
#include "models/Winograd.h"

#include <atomic>
#include <cstdlib>
#include <string_view>

namespace studio::winograd {
namespace {

/// Whether layers use these kernels: 1 always, 0 never, −1 where they win (preferred()). Set by
/// MNIST_STUDIO_WINOGRAD=1 / 0 (comparisons, tests) or setEnabled(); −1 without either.
int modeFromEnvironment()
{
    const char* value = std::getenv("MNIST_STUDIO_WINOGRAD");
    return !value ? -1 : std::string_view(value) != "0";
}
std::atomic<int> g_mode{modeFromEnvironment()};

/// AVX-512, which oneDNN's kernels use 512 bits wide where these are AVX2's 256: measured on a Zen
/// 5 (bench_convolution, batch 128), oneDNN's training step runs resnet's shapes at 0.65–1.0× these
/// kernels' times; held to AVX2 (ONEDNN_MAX_CPU_ISA=AVX2, as on an AVX2-only CPU), at 1.1–2×
/// theirs. For a few images (the Draw page) these still win there: oneDNN's per-call overhead.
bool wideVectors()
{
    static const bool wide = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
    }();
    return wide;
}
thread_local int t_suspended = 0;

} // namespace

void setEnabled(bool enabled)
{
    g_mode = enabled ? 1 : 0;
}

void resetEnabled()
{
    g_mode = modeFromEnvironment();
}

bool enabled()
{
    return g_mode != 0 && t_suspended == 0;
}

bool preferred(const torch::Tensor& x)
{
    return enabled() && (g_mode == 1 || !wideVectors() || x.dim() == 0 || x.size(0) < 16);
}

Suspend::Suspend()
{
    ++t_suspended;
}

Suspend::~Suspend()
{
    --t_suspended;
}

} // namespace studio::winograd
