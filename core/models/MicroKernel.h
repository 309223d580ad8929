#pragma once
// The matrix-product micro-kernel of the studio's own convolutions (Winograd.cpp, PatchConv.cpp).
// Compiled for AVX2 + FMA whatever the build's target: callers check the CPU at run time
// (winograd::available()).
#include <immintrin.h>

#include <cstdint>

#define STUDIO_AVX2 __attribute__((target("avx2,fma")))

namespace studio::kernels {

/// c[r][0..16) (+)= Σ_p a[r·ars + p·aps] · b[p·bps + 0..16) for r < R: R rows of 16 columns
/// in 2R AVX registers, a broadcast and two loads of b per step.
template <int R>
STUDIO_AVX2 inline void micro(int64_t depth, const float* a, int64_t ars, int64_t aps, const float* b, int64_t bps,
                              float* c, int64_t crs, bool accumulate)
{
    __m256 lo[R], hi[R];
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
        lo[r] = accumulate ? _mm256_loadu_ps(c + r * crs) : _mm256_setzero_ps();
        hi[r] = accumulate ? _mm256_loadu_ps(c + r * crs + 8) : _mm256_setzero_ps();
    }
    for (int64_t p = 0; p < depth; ++p, a += aps, b += bps) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
        for (int r = 0; r < R; ++r) {
            const __m256 av = _mm256_broadcast_ss(a + r * ars);
            lo[r] = _mm256_fmadd_ps(av, b0, lo[r]);
            hi[r] = _mm256_fmadd_ps(av, b1, hi[r]);
        }
    }
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) {
        _mm256_storeu_ps(c + r * crs, lo[r]);
        _mm256_storeu_ps(c + r * crs + 8, hi[r]);
    }
}

/// micro<R> for rows = R ≤ 6 chosen at run time.
STUDIO_AVX2 inline void microRows(int64_t rows, int64_t depth, const float* a, int64_t ars, int64_t aps, const float* b,
                                  int64_t bps, float* c, int64_t crs, bool accumulate)
{
    switch (rows) {
    case 6:
        return micro<6>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 5:
        return micro<5>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 4:
        return micro<4>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 3:
        return micro<3>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 2:
        return micro<2>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    default:
        return micro<1>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    }
}

} // namespace studio::kernels
