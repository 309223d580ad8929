#pragma once
#include <cstdint>

namespace studio {

/// Derives an independent 64-bit seed from a run seed and coordinates (epoch, batch, stream) with
/// splitmix64 steps. Every random choice in training is a pure function of these, which is what
/// makes resuming from any batch exact.
constexpr std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t a = 0, std::uint64_t b = 0, std::uint64_t c = 0)
{
    auto step = [](std::uint64_t x) {
        x += 0x9e3779b97f4a7c15ULL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
        return x ^ (x >> 31);
    };
    return step(step(step(step(seed) ^ a) ^ b) ^ c);
}

} // namespace studio
