#include "models/WinogradTiles.h"

#include "models/MicroKernel.h" // STUDIO_AVX2

#include <immintrin.h>

#include <algorithm>
#include <limits>

namespace studio::winograd::tiles {

// The 1-d transforms of F(4, 3) (Lavin and Gray's points 0, ±1, ±2), each applied down the
// columns of a tile and then along its rows, 8 channels at a time.

/// Bᵀ d of six values at d[0], d[stride], …, into o[0], o[ostride], ….
STUDIO_AVX2 inline void inputRows(const __m256 d[6], float* o, int64_t ostride)
{
    const auto four = _mm256_set1_ps(4.0f), five = _mm256_set1_ps(5.0f), two = _mm256_set1_ps(2.0f);
    const auto t1 = _mm256_fnmadd_ps(four, d[2], d[4]), t2 = _mm256_fnmadd_ps(four, d[1], d[3]);
    const auto t3 = _mm256_sub_ps(d[4], d[2]), t4 = _mm256_mul_ps(two, _mm256_sub_ps(d[3], d[1]));
    _mm256_storeu_ps(o, _mm256_fmadd_ps(four, d[0], _mm256_fnmadd_ps(five, d[2], d[4])));
    _mm256_storeu_ps(o + ostride, _mm256_add_ps(t1, t2));
    _mm256_storeu_ps(o + 2 * ostride, _mm256_sub_ps(t1, t2));
    _mm256_storeu_ps(o + 3 * ostride, _mm256_add_ps(t3, t4));
    _mm256_storeu_ps(o + 4 * ostride, _mm256_sub_ps(t3, t4));
    _mm256_storeu_ps(o + 5 * ostride, _mm256_fmadd_ps(four, d[1], _mm256_fnmadd_ps(five, d[3], d[5])));
}

/// Aᵀ m of six values into four.
STUDIO_AVX2 inline void outputRows(const __m256 m[6], __m256 y[4])
{
    const auto s1 = _mm256_add_ps(m[1], m[2]), d1 = _mm256_sub_ps(m[1], m[2]);
    const auto s2 = _mm256_add_ps(m[3], m[4]), d2 = _mm256_sub_ps(m[3], m[4]);
    y[0] = _mm256_add_ps(_mm256_add_ps(m[0], s1), s2);
    y[1] = _mm256_fmadd_ps(_mm256_set1_ps(2.0f), d2, d1);
    y[2] = _mm256_fmadd_ps(_mm256_set1_ps(4.0f), s2, s1);
    y[3] = _mm256_add_ps(_mm256_fmadd_ps(_mm256_set1_ps(8.0f), d2, d1), m[5]);
}

/// A u of four values into six (Aᵀ's transpose: the gradient of outputRows).
STUDIO_AVX2 inline void gradRows(const __m256 u[4], float* o, int64_t ostride)
{
    const auto p = _mm256_add_ps(u[0], u[2]), q = _mm256_add_ps(u[1], u[3]);
    const auto p4 = _mm256_fmadd_ps(_mm256_set1_ps(4.0f), u[2], u[0]);
    const auto q4 = _mm256_fmadd_ps(_mm256_set1_ps(8.0f), u[3], _mm256_add_ps(u[1], u[1]));
    _mm256_storeu_ps(o, u[0]);
    _mm256_storeu_ps(o + ostride, _mm256_add_ps(p, q));
    _mm256_storeu_ps(o + 2 * ostride, _mm256_sub_ps(p, q));
    _mm256_storeu_ps(o + 3 * ostride, _mm256_add_ps(p4, q4));
    _mm256_storeu_ps(o + 4 * ostride, _mm256_sub_ps(p4, q4));
    _mm256_storeu_ps(o + 5 * ostride, u[3]);
}

STUDIO_AVX2 void transformInput(const float* in, const Shape& s, int64_t t0, int64_t count, const float* zeros,
                                float* __restrict v, int64_t tileStride, int64_t posStride, bool relu)
{
    const __m256 floor = relu ? _mm256_setzero_ps() : _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    const int64_t c = s.c, h = s.h, w = s.w; // locals: v's stores cannot alias them
    alignas(32) float buffer[36 * 8];
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const float* at[6][6];
        for (int a = 0; a < 6; ++a)
            for (int b = 0; b < 6; ++b) {
                const auto y = tile.y + a, x = tile.x + b;
                const bool inside = y >= 0 && y < h && x >= 0 && x < w;
                at[a][b] = inside ? in + ((tile.image * h + y) * w + x) * c : zeros;
            }
        for (int64_t ch = 0; ch < c; ch += 8) {
            for (int b = 0; b < 6; ++b) { // Bᵀ d, column b into buffer[a][b]
                __m256 d[6];
                for (int a = 0; a < 6; ++a)
                    d[a] = _mm256_max_ps(floor, _mm256_loadu_ps(at[a][b] + ch));
                inputRows(d, buffer + b * 8, 6 * 8);
            }
            for (int a = 0; a < 6; ++a) { // (Bᵀ d) B, row a
                __m256 d[6];
                for (int b = 0; b < 6; ++b)
                    d[b] = _mm256_load_ps(buffer + (a * 6 + b) * 8);
                inputRows(d, v + t * tileStride + a * 6 * posStride + ch, posStride);
            }
        }
    }
}

/// Stores `value` at `at`, or zero where `mask` (if any) at the same place is not positive.
STUDIO_AVX2 inline void store(float* at, const float* mask, __m256 value)
{
    if (mask)
        value = _mm256_and_ps(value, _mm256_cmp_ps(_mm256_loadu_ps(mask), _mm256_setzero_ps(), _CMP_GT_OQ));
    _mm256_storeu_ps(at, value);
}

STUDIO_AVX2 void transformOutput(const float* m, const Shape& s, int64_t t0, int64_t count, const float* bias,
                                 const float* mask, float* __restrict out)
{
    const int64_t h = s.h, w = s.w, k = s.k, stride = s.outputStride(); // locals: stores cannot alias them
    alignas(32) float buffer[24 * 8];
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const auto y0 = tile.y + 1, x0 = tile.x + 1;
        for (int64_t ch = 0; ch < k; ch += 8) {
            for (int b = 0; b < 6; ++b) { // Aᵀ M, column b into buffer[a][b]
                __m256 q[6], r[4];
                for (int a = 0; a < 6; ++a)
                    q[a] = _mm256_loadu_ps(m + t * stride + (a * 6 + b) * k + ch);
                outputRows(q, r);
                for (int a = 0; a < 4; ++a)
                    _mm256_store_ps(buffer + (a * 6 + b) * 8, r[a]);
            }
            const auto beta = bias ? _mm256_loadu_ps(bias + ch) : _mm256_setzero_ps();
            for (int a = 0; a < tile.rows; ++a) { // (Aᵀ M) A, row a
                __m256 q[6], r[4];
                for (int b = 0; b < 6; ++b)
                    q[b] = _mm256_load_ps(buffer + (a * 6 + b) * 8);
                outputRows(q, r);
                const auto offset = ((tile.image * h + y0 + a) * w + x0) * k + ch;
                for (int b = 0; b < tile.cols; ++b)
                    store(out + offset + b * k, mask ? mask + offset + b * k : nullptr, _mm256_add_ps(r[b], beta));
            }
        }
    }
}

STUDIO_AVX2 void transformGradOutput(const float* dy, const Shape& s, int64_t t0, int64_t count, float* __restrict g)
{
    const int64_t h = s.h, w = s.w, k = s.k, stride = s.outputStride(); // locals: stores cannot alias them
    alignas(32) float buffer[24 * 8];
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const auto y0 = tile.y + 1, x0 = tile.x + 1;
        const float* p = dy + ((tile.image * h + y0) * w + x0) * k;
        for (int64_t ch = 0; ch < k; ch += 8) {
            for (int b = 0; b < 4; ++b) { // A ∂Y, column b into buffer[a][b] (6 rows of 4)
                __m256 u[4];
                for (int a = 0; a < 4; ++a)
                    u[a] = a < tile.rows && b < tile.cols ? _mm256_loadu_ps(p + (a * w + b) * k + ch)
                                                          : _mm256_setzero_ps();
                gradRows(u, buffer + b * 8, 4 * 8);
            }
            for (int a = 0; a < 6; ++a) { // (A ∂Y) Aᵀ, row a
                __m256 u[4];
                for (int b = 0; b < 4; ++b)
                    u[b] = _mm256_load_ps(buffer + (a * 4 + b) * 8);
                gradRows(u, g + t * stride + a * 6 * k + ch, k);
            }
        }
    }
}

/// G f of three values, 8 lanes (kernels) at a time, into six: G's rows are (1/4, 0, 0),
/// −(1, 1, 1)/6, (−1, 1, −1)/6, (1, 2, 4)/24, (1, −2, 4)/24 and (0, 0, 1).
STUDIO_AVX2 inline void kernelRows(__m256 f0, __m256 f1, __m256 f2, __m256 o[6])
{
    const auto sixth = _mm256_set1_ps(1.0f / 6.0f), twelfth = _mm256_set1_ps(1.0f / 12.0f);
    const auto even = _mm256_mul_ps(sixth, _mm256_add_ps(f0, f2)), odd = _mm256_mul_ps(sixth, f1);
    const auto even4 = _mm256_mul_ps(_mm256_set1_ps(1.0f / 24.0f), _mm256_fmadd_ps(_mm256_set1_ps(4.0f), f2, f0));
    const auto odd4 = _mm256_mul_ps(twelfth, f1);
    o[0] = _mm256_mul_ps(_mm256_set1_ps(0.25f), f0);
    o[1] = _mm256_sub_ps(_mm256_sub_ps(_mm256_setzero_ps(), even), odd);
    o[2] = _mm256_sub_ps(odd, even);
    o[3] = _mm256_add_ps(even4, odd4);
    o[4] = _mm256_sub_ps(even4, odd4);
    o[5] = f2;
}

/// Gᵀ v of six values into three (the gradient of kernelRows).
STUDIO_AVX2 inline void gradKernelRows(const __m256 v[6], __m256 o[3])
{
    const auto sixth = _mm256_set1_ps(1.0f / 6.0f);
    const auto s12 = _mm256_add_ps(v[1], v[2]), s34 = _mm256_add_ps(v[3], v[4]);
    o[0] = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 24.0f), s34,
                           _mm256_fnmadd_ps(sixth, s12, _mm256_mul_ps(_mm256_set1_ps(0.25f), v[0])));
    o[1] = _mm256_fmadd_ps(_mm256_set1_ps(1.0f / 12.0f), _mm256_sub_ps(v[3], v[4]),
                           _mm256_mul_ps(sixth, _mm256_sub_ps(v[2], v[1])));
    o[2] = _mm256_fmadd_ps(sixth, _mm256_sub_ps(s34, s12), v[5]);
}

STUDIO_AVX2 void transformKernels(const float* g, int64_t c, int64_t k, int64_t first, int64_t last, float* u)
{
    for (int64_t i = first; i < last; ++i)
        for (int64_t o = 0; o < k; o += 8) {
            const float* f = g + i * 9 * k + o; // tap (row, column) at f + (3 row + column) k
            __m256 t[6][3];                     // G g
            for (int j = 0; j < 3; ++j) {
                __m256 column[6];
                kernelRows(_mm256_loadu_ps(f + j * k), _mm256_loadu_ps(f + (3 + j) * k),
                           _mm256_loadu_ps(f + (6 + j) * k), column);
                for (int a = 0; a < 6; ++a)
                    t[a][j] = column[a];
            }
            for (int a = 0; a < 6; ++a) { // (G g) Gᵀ
                __m256 row[6];
                kernelRows(t[a][0], t[a][1], t[a][2], row);
                for (int b = 0; b < 6; ++b)
                    _mm256_storeu_ps(u + (((a * 6 + b) * (k / 16) + o / 16) * c + i) * 16 + o % 16, row[b]);
            }
        }
}

STUDIO_AVX2 void gradKernels(const float* du, int64_t c, int64_t k, int64_t first, int64_t last, float* dg)
{
    for (int64_t i = first; i < last; ++i)
        for (int64_t o = 0; o < k; o += 8) {
            __m256 h[6][3]; // (∂L/∂U) G, row by row
            for (int a = 0; a < 6; ++a) {
                __m256 row[6];
                for (int b = 0; b < 6; ++b)
                    row[b] = _mm256_loadu_ps(du + ((a * 6 + b) * c + i) * k + o);
                gradKernelRows(row, h[a]);
            }
            for (int j = 0; j < 3; ++j) { // Gᵀ (…), column by column
                const __m256 column[6] = {h[0][j], h[1][j], h[2][j], h[3][j], h[4][j], h[5][j]};
                __m256 tap[3];
                gradKernelRows(column, tap);
                for (int r = 0; r < 3; ++r)
                    _mm256_storeu_ps(dg + (i * 9 + 3 * r + j) * k + o, tap[r]);
            }
        }
}

} // namespace studio::winograd::tiles
