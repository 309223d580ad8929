#pragma once
// The matrix-product micro-kernel of the studio's own convolutions (Winograd.cpp, PatchConv.cpp).
// Compiled for AVX2 + FMA whatever the build's target: callers check the CPU at run time
// (winograd::available()).
#include <immintrin.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <type_traits>

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

/// micro<R> on AVX-512 for two panels at once: columns [0, 16) from b, [16, 32) from b + next,
/// into c[r][0..32), a row's 16 columns in one 512-bit register — twice the multiply-adds per
/// instruction, and one broadcast of a feeds two of them.
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

/// Whether the kernels (microPanels, the Winograd transforms) use AVX-512: the CPU has AVX-512F and
/// MNIST_STUDIO_AVX512 is not 0 (which holds them to their AVX2 + FMA code: tests run both widths).
inline bool wide()
{
    static const bool wide = [] {
        const char* setting = std::getenv("MNIST_STUDIO_AVX512");
        return __builtin_cpu_supports("avx512f") && !(setting && std::string_view(setting) == "0");
    }();
    return wide;
}

/// kernel(std::integral_constant<int, R>{}) for rows = R ≤ 6 chosen at run time.
template <class Kernel> inline void withRows(int64_t rows, Kernel kernel)
{
    switch (rows) {
    case 6:
        return kernel(std::integral_constant<int, 6>{});
    case 5:
        return kernel(std::integral_constant<int, 5>{});
    case 4:
        return kernel(std::integral_constant<int, 4>{});
    case 3:
        return kernel(std::integral_constant<int, 3>{});
    case 2:
        return kernel(std::integral_constant<int, 2>{});
    default:
        return kernel(std::integral_constant<int, 1>{});
    }
}

/// micro<rows> over `panels` panels of 16 columns, panel j's b at b + j·next and its c at c + 16·j:
/// on AVX-512 two panels a pass (micro512x2), an odd last one as on AVX2.
STUDIO_AVX2 inline void microPanels(int64_t rows, int64_t panels, int64_t depth, const float* a, int64_t ars,
                                    int64_t aps, const float* b, int64_t bps, int64_t next, float* c, int64_t crs,
                                    bool accumulate)
{
    int64_t j = 0;
    if (wide())
        for (; j + 2 <= panels; j += 2)
            withRows(rows, [&](auto r) STUDIO_AVX512 {
                micro512x2<r()>(depth, a, ars, aps, b + j * next, bps, next, c + 16 * j, crs, accumulate);
            });
    for (; j < panels; ++j)
        withRows(rows, [&](auto r) STUDIO_AVX2 {
            micro<r()>(depth, a, ars, aps, b + j * next, bps, c + 16 * j, crs, accumulate);
        });
}

} // namespace studio::kernels
