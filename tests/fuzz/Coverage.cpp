// Coverage feedback for libFuzzer from GCC-compiled code (STUDIO_FUZZ). LibTorch 1.13's headers do
// not compile with clang in C++20, so the tree cannot use clang's -fsanitize=fuzzer; GCC's
// -fsanitize-coverage=trace-pc,trace-cmp instruments it instead. GCC calls __sanitizer_cov_trace_pc()
// at the start of every basic block; LLVM 14's libFuzzer no longer reads that callback (its own
// definition, renamed away when the build copies the runtime, only says so and exits), so this one
// counts edges the way AFL does: the hash of (previous block, this block) picks one of 256 Ki 8-bit
// counters, registered with libFuzzer as a module of inline counters. The comparison callbacks
// (trace-cmp) go to libFuzzer directly and feed its dictionary; GCC also reports floating-point
// comparisons, which libFuzzer has no callback for, so those two are no-ops here.
//
// Compiled without the instrumentation (it would call itself). In a program without libFuzzer (the
// test suite of the same tree) the counters are kept and never read.
#include <cstddef>
#include <cstdint>

extern "C" __attribute__((weak)) void __sanitizer_cov_8bit_counters_init(std::uint8_t* start, std::uint8_t* stop);

namespace {

constexpr std::size_t kCounters = std::size_t(1) << 16;
alignas(64) std::uint8_t g_counters[kCounters];
thread_local std::uintptr_t g_previous = 0;

const bool g_registered = [] {
    if (__sanitizer_cov_8bit_counters_init)
        __sanitizer_cov_8bit_counters_init(g_counters, g_counters + kCounters);
    return true;
}();

} // namespace

extern "C" void __sanitizer_cov_trace_pc()
{
    // The block's address (its caller) mixed down to 18 bits; shifting the previous one makes A→B and
    // B→A different edges.
    const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
    const std::uintptr_t block = (pc * 0x9E3779B97F4A7C15ull) >> 48;
    ++g_counters[(block ^ g_previous) & (kCounters - 1)];
    g_previous = block >> 1;
}

extern "C" void __sanitizer_cov_trace_cmpf(float, float) {}
extern "C" void __sanitizer_cov_trace_cmpd(double, double) {}
