#pragma once
// The matrix-product micro-kernel of the studio's own convolutions (Winograd.cpp, PatchConv.cpp).
// Compiled for AVX2 + FMA whatever the build's target: callers check the CPU at run time
// (winograd::available()).
#include <immintrin.h>

#include <cstdint>

#define STUDIO_AVX2 __attribute__((target("avx2,fma")))
#define STUDIO_AVX512 __attribute__((target("avx512f,avx2,fma")))

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

/// micro<R> on AVX-512: a row's 16 columns in one 512-bit register, twice the multiply-adds per
/// instruction (CPUs with AVX-512 run two such FMAs a cycle where AVX2 ran two of 8 lanes).
template <int R>
STUDIO_AVX512 inline void micro512(int64_t depth, const float* a, int64_t ars, int64_t aps, const float* b, int64_t bps,
                                   float* c, int64_t crs, bool accumulate)
{
    __m512 acc[R];
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
        acc[r] = accumulate ? _mm512_loadu_ps(c + r * crs) : _mm512_setzero_ps();
    for (int64_t p = 0; p < depth; ++p, a += aps, b += bps) {
        const __m512 bv = _mm512_loadu_ps(b);
#pragma GCC unroll 6
        for (int r = 0; r < R; ++r)
            acc[r] = _mm512_fmadd_ps(_mm512_set1_ps(a[r * ars]), bv, acc[r]);
    }
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r)
        _mm512_storeu_ps(c + r * crs, acc[r]);
}

/// micro512<R> for two panels at once: columns [0, 16) from b, [16, 32) from b + next, into
/// c[r][0..32): one broadcast of a feeds two multiply-adds.
template <int R>
STUDIO_AVX512 inline void micro512x2(int64_t depth, const float* a, int64_t ars, int64_t aps, const float* b,
                                     int64_t bps, int64_t next, float* c, int64_t crs, bool accumulate)
{
    __m512 lo[R], hi[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        lo[r] = accumulate ? _mm512_loadu_ps(c + r * crs) : _mm512_setzero_ps();
        hi[r] = accumulate ? _mm512_loadu_ps(c + r * crs + 16) : _mm512_setzero_ps();
    }
    for (int64_t p = 0; p < depth; ++p, a += aps, b += bps) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + next);
#pragma GCC unroll 8
        for (int r = 0; r < R; ++r) {
            const __m512 av = _mm512_set1_ps(a[r * ars]);
            lo[r] = _mm512_fmadd_ps(av, b0, lo[r]);
            hi[r] = _mm512_fmadd_ps(av, b1, hi[r]);
        }
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; ++r) {
        _mm512_storeu_ps(c + r * crs, lo[r]);
        _mm512_storeu_ps(c + r * crs + 16, hi[r]);
    }
}

/// Whether microRows multiplies with AVX-512 (the CPU has AVX-512F).
inline bool wideMicro()
{
    static const bool wide = __builtin_cpu_supports("avx512f");
    return wide;
}

STUDIO_AVX512 inline void microRows512(int64_t rows, int64_t depth, const float* a, int64_t ars, int64_t aps,
                                       const float* b, int64_t bps, float* c, int64_t crs, bool accumulate)
{
    switch (rows) {
    case 6:
        return micro512<6>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 5:
        return micro512<5>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 4:
        return micro512<4>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 3:
        return micro512<3>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    case 2:
        return micro512<2>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    default:
        return micro512<1>(depth, a, ars, aps, b, bps, c, crs, accumulate);
    }
}

STUDIO_AVX512 inline void microRows512x2(int64_t rows, int64_t depth, const float* a, int64_t ars, int64_t aps,
                                         const float* b, int64_t bps, int64_t next, float* c, int64_t crs,
                                         bool accumulate)
{
    switch (rows) {
    case 6:
        return micro512x2<6>(depth, a, ars, aps, b, bps, next, c, crs, accumulate);
    case 5:
        return micro512x2<5>(depth, a, ars, aps, b, bps, next, c, crs, accumulate);
    case 4:
        return micro512x2<4>(depth, a, ars, aps, b, bps, next, c, crs, accumulate);
    case 3:
        return micro512x2<3>(depth, a, ars, aps, b, bps, next, c, crs, accumulate);
    case 2:
        return micro512x2<2>(depth, a, ars, aps, b, bps, next, c, crs, accumulate);
    default:
        return micro512x2<1>(depth, a, ars, aps, b, bps, next, c, crs, accumulate);
    }
}

/// micro<R> for rows = R ≤ 6 chosen at run time.
STUDIO_AVX2 inline void microRows(int64_t rows, int64_t depth, const float* a, int64_t ars, int64_t aps, const float* b,
                                  int64_t bps, float* c, int64_t crs, bool accumulate)
{
    if (wideMicro())
        return microRows512(rows, depth, a, ars, aps, b, bps, c, crs, accumulate);
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

/// microRows over `panels` panels of 16 columns, panel j's b at b + j·next and its c at c + 16·j:
/// on AVX-512 two panels a pass.
STUDIO_AVX2 inline void microPanels(int64_t rows, int64_t panels, int64_t depth, const float* a, int64_t ars,
                                    int64_t aps, const float* b, int64_t bps, int64_t next, float* c, int64_t crs,
                                    bool accumulate)
{
    int64_t j = 0;
    if (wideMicro())
        for (; j + 2 <= panels; j += 2)
            microRows512x2(rows, depth, a, ars, aps, b + j * next, bps, next, c + 16 * j, crs, accumulate);
    for (; j < panels; ++j)
        microRows(rows, depth, a, ars, aps, b + j * next, bps, c + 16 * j, crs, accumulate);
}

} // namespace studio::kernels
