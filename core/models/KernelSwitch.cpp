// winograd::enabled() and its kin (models/Winograd.h): which convolutions layers::Conv2d gives the
// studio's own kernels (Winograd.cpp, PatchConv.cpp) rather than LibTorch's.
#include "models/Winograd.h"

#include <ATen/autocast_mode.h>

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

bool preferred()
{
    // Under autocast (precision bfloat16) LibTorch's convolutions take bfloat16, which these
    // kernels do not: they would hold those layers to float32.
    return enabled() && (g_mode == 1 || !at::autocast::is_cpu_enabled());
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
