#include "training/MixedPrecision.h"

#include "util/StudioError.h"

#include <ATen/autocast_mode.h>

namespace studio {

bool bfloat16Native()
{
    static const bool native = [] {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx512bf16") != 0;
    }();
    return native;
}

void checkPrecision(Precision precision)
{
    if (precision == Precision::BFloat16 && !bfloat16Native())
        throw StudioError("precision bfloat16 needs a CPU with AVX-512 BF16 instructions (AMD Zen 4 or later, Intel "
                          "Cooper Lake or Sapphire Rapids); this one has none: train with precision float32.");
}

AutocastScope::AutocastScope(Precision precision) : m_on(precision == Precision::BFloat16)
{
    if (!m_on)
        return;
    m_wasEnabled = at::autocast::is_cpu_enabled();
    at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    at::autocast::set_cpu_enabled(true);
    at::autocast::increment_nesting();
}

AutocastScope::~AutocastScope()
{
    if (!m_on)
        return;
    if (at::autocast::decrement_nesting() == 0)
        at::autocast::clear_cache();
    at::autocast::set_cpu_enabled(m_wasEnabled);
}

} // namespace studio
