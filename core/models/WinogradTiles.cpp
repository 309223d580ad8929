#include "models/WinogradTiles.h"

#include "models/MicroKernel.h" // kernels::wide, STUDIO_AVX2, STUDIO_AVX512

#include <xmmintrin.h> // _mm_prefetch

#include <cstdint>
#include <limits>

// The helpers below take and return vectors by value but are always inlined into a function of
// their width's target: no call crosses the ABI the warning is about.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace studio::winograd::tiles {
namespace {

// The transforms are written once over GCC's vector types, L lanes (channels or kernels) at a time,
// and compiled twice: 16 lanes for AVX-512 and 8 for AVX2 + FMA (the wrappers at the end choose as
// the micro-kernel does: kernels::wide()). Plain arithmetic on them becomes the width's
// instructions, a · b + c an FMA (-ffp-contract=fast on this file).
typedef float V8 __attribute__((vector_size(32)));
typedef float V16 __attribute__((vector_size(64)));
#define STUDIO_INLINE [[gnu::always_inline]] inline

template <class V> constexpr int lanes = sizeof(V) / sizeof(float);

template <class V> STUDIO_INLINE V load(const float* p)
{
    V v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

template <class V> STUDIO_INLINE void store(float* p, V v)
{
    __builtin_memcpy(p, &v, sizeof v);
}

// The 1-d transforms of F(4, 3) (Lavin and Gray's points 0, ±1, ±2), each applied down the
// columns of a tile and then along its rows.

/// Bᵀ d of six values at d[0], d[stride], …, into o[0], o[ostride], ….
template <class V> STUDIO_INLINE void inputRows(const V d[6], float* o, int64_t ostride)
{
    const V t1 = d[4] - 4.0f * d[2], t2 = d[3] - 4.0f * d[1];
    const V t3 = d[4] - d[2], t4 = 2.0f * (d[3] - d[1]);
    store(o, 4.0f * d[0] + (d[4] - 5.0f * d[2]));
    store(o + ostride, t1 + t2);
    store(o + 2 * ostride, t1 - t2);
    store(o + 3 * ostride, t3 + t4);
    store(o + 4 * ostride, t3 - t4);
    store(o + 5 * ostride, 4.0f * d[1] + (d[5] - 5.0f * d[3]));
}

/// Aᵀ m of six values into four.
template <class V> STUDIO_INLINE void outputRows(const V m[6], V y[4])
{
    const V s1 = m[1] + m[2], d1 = m[1] - m[2];
    const V s2 = m[3] + m[4], d2 = m[3] - m[4];
    y[0] = (m[0] + s1) + s2;
    y[1] = 2.0f * d2 + d1;
    y[2] = 4.0f * s2 + s1;
    y[3] = (8.0f * d2 + d1) + m[5];
}

/// A u of four values into six (Aᵀ's transpose: the gradient of outputRows).
template <class V> STUDIO_INLINE void gradRows(const V u[4], float* o, int64_t ostride)
{
    const V p = u[0] + u[2], q = u[1] + u[3];
    const V p4 = 4.0f * u[2] + u[0], q4 = 8.0f * u[3] + (u[1] + u[1]);
    store(o, u[0]);
    store(o + ostride, p + q);
    store(o + 2 * ostride, p - q);
    store(o + 3 * ostride, p4 + q4);
    store(o + 4 * ostride, p4 - q4);
    store(o + 5 * ostride, u[3]);
}

/// G f of three values into six: G's rows are (1/4, 0, 0), −(1, 1, 1)/6, (−1, 1, −1)/6,
/// (1, 2, 4)/24, (1, −2, 4)/24 and (0, 0, 1).
template <class V> STUDIO_INLINE void kernelRows(V f0, V f1, V f2, V o[6])
{
    const V even = (1.0f / 6.0f) * (f0 + f2), odd = (1.0f / 6.0f) * f1;
    const V even4 = (1.0f / 24.0f) * (4.0f * f2 + f0), odd4 = (1.0f / 12.0f) * f1;
    o[0] = 0.25f * f0;
    o[1] = (V{} - even) - odd;
    o[2] = odd - even;
    o[3] = even4 + odd4;
    o[4] = even4 - odd4;
    o[5] = f2;
}

/// Gᵀ v of six values into three (the gradient of kernelRows).
template <class V> STUDIO_INLINE void gradKernelRows(const V v[6], V o[3])
{
    const V s12 = v[1] + v[2], s34 = v[3] + v[4];
    o[0] = (1.0f / 24.0f) * s34 + (0.25f * v[0] - (1.0f / 6.0f) * s12);
    o[1] = (1.0f / 12.0f) * (v[3] - v[4]) + (1.0f / 6.0f) * (v[2] - v[1]);
    o[2] = (1.0f / 6.0f) * (s34 - s12) + v[5];
}

template <class V>
STUDIO_INLINE void transformInput(const float* in, const Shape& s, int64_t t0, int64_t count, const float* zeros,
                                  float* __restrict v, int64_t tileStride, int64_t posStride, bool relu)
{
    constexpr int L = lanes<V>;
    const V floor = V{} + (relu ? 0.0f : -std::numeric_limits<float>::infinity());
    const int64_t c = s.c, h = s.h, w = s.w; // locals: v's stores cannot alias them
    alignas(64) float buffer[36 * L];
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const float* at[6][6];
        for (int a = 0; a < 6; ++a)
            for (int b = 0; b < 6; ++b) {
                const auto y = tile.y + a, x = tile.x + b;
                const bool inside = y >= 0 && y < h && x >= 0 && x < w;
                at[a][b] = inside ? in + ((tile.image * h + y) * w + x) * c : zeros;
            }
        // The next tile along the row reads 4 columns further: ask for them now. A prefetch of an
        // address outside the map is harmless and ignored (an integer address: no pointer is
        // formed outside the tensor).
        const auto first = reinterpret_cast<std::uintptr_t>(in);
        for (int a = 0; a < 6; ++a)
            for (int64_t line = 0; line < 4 * c; line += 16)
                _mm_prefetch(reinterpret_cast<const char*>(
                                 first + (((tile.image * h + tile.y + a) * w + tile.x + 6) * c + line) * sizeof(float)),
                             _MM_HINT_T0);
        for (int64_t ch = 0; ch < c; ch += L) {
            for (int b = 0; b < 6; ++b) { // Bᵀ d, column b into buffer[a][b]
                V d[6];
                for (int a = 0; a < 6; ++a) {
                    const V x = load<V>(at[a][b] + ch);
                    d[a] = x < floor ? floor : x; // max(floor, x), NaN kept
                }
                inputRows(d, buffer + b * L, 6 * L);
            }
            for (int a = 0; a < 6; ++a) { // (Bᵀ d) B, row a
                V d[6];
                for (int b = 0; b < 6; ++b)
                    d[b] = load<V>(buffer + (a * 6 + b) * L);
                inputRows(d, v + t * tileStride + a * 6 * posStride + ch, posStride);
            }
        }
    }
}

template <class V>
STUDIO_INLINE void transformOutput(const float* m, const Shape& s, int64_t t0, int64_t count, const float* bias,
                                   const float* mask, float* __restrict out)
{
    constexpr int L = lanes<V>;
    const int64_t h = s.h, w = s.w, k = s.k, stride = s.outputStride(); // locals: stores cannot alias them
    alignas(64) float buffer[24 * L];
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const auto y0 = tile.y + 1, x0 = tile.x + 1;
        for (int64_t ch = 0; ch < k; ch += L) {
            for (int b = 0; b < 6; ++b) { // Aᵀ M, column b into buffer[a][b]
                V q[6], r[4];
                for (int a = 0; a < 6; ++a)
                    q[a] = load<V>(m + t * stride + (a * 6 + b) * k + ch);
                outputRows(q, r);
                for (int a = 0; a < 4; ++a)
                    store(buffer + (a * 6 + b) * L, r[a]);
            }
            const V beta = bias ? load<V>(bias + ch) : V{};
            for (int a = 0; a < tile.rows; ++a) { // (Aᵀ M) A, row a
                V q[6], r[4];
                for (int b = 0; b < 6; ++b)
                    q[b] = load<V>(buffer + (a * 6 + b) * L);
                outputRows(q, r);
                const auto offset = ((tile.image * h + y0 + a) * w + x0) * k + ch;
                for (int b = 0; b < tile.cols; ++b) {
                    V value = r[b] + beta;
                    if (mask) // zero where the mask at the same place is not positive
                        value = load<V>(mask + offset + b * k) > 0.0f ? value : V{};
                    store(out + offset + b * k, value);
                }
            }
        }
    }
}

template <class V>
STUDIO_INLINE void transformGradOutput(const float* dy, const Shape& s, int64_t t0, int64_t count, float* __restrict g)
{
    constexpr int L = lanes<V>;
    const int64_t h = s.h, w = s.w, k = s.k, stride = s.outputStride(); // locals: stores cannot alias them
    alignas(64) float buffer[24 * L];
    for (int64_t t = 0; t < count; ++t) {
        const Tile tile(s, t0 + t);
        const auto y0 = tile.y + 1, x0 = tile.x + 1;
        const float* p = dy + ((tile.image * h + y0) * w + x0) * k;
        for (int64_t ch = 0; ch < k; ch += L) {
            for (int b = 0; b < 4; ++b) { // A ∂Y, column b into buffer[a][b] (6 rows of 4)
                V u[4];
                for (int a = 0; a < 4; ++a)
                    u[a] = a < tile.rows && b < tile.cols ? load<V>(p + (a * w + b) * k + ch) : V{};
                gradRows(u, buffer + b * L, 4 * L);
            }
            for (int a = 0; a < 6; ++a) { // (A ∂Y) Aᵀ, row a
                V u[4];
                for (int b = 0; b < 4; ++b)
                    u[b] = load<V>(buffer + (a * 4 + b) * L);
                gradRows(u, g + t * stride + a * 6 * k + ch, k);
            }
        }
    }
}

template <class V>
STUDIO_INLINE void transformKernels(const float* g, int64_t c, int64_t k, int64_t first, int64_t last, float* u)
{
    constexpr int L = lanes<V>;
    for (int64_t i = first; i < last; ++i)
        for (int64_t o = 0; o < k; o += L) {
            const float* f = g + i * 9 * k + o; // tap (row, column) at f + (3 row + column) k
            V t[6][3];                          // G g
            for (int j = 0; j < 3; ++j) {
                V column[6];
                kernelRows(load<V>(f + j * k), load<V>(f + (3 + j) * k), load<V>(f + (6 + j) * k), column);
                for (int a = 0; a < 6; ++a)
                    t[a][j] = column[a];
            }
            for (int a = 0; a < 6; ++a) { // (G g) Gᵀ
                V row[6];
                kernelRows(t[a][0], t[a][1], t[a][2], row);
                for (int b = 0; b < 6; ++b)
                    store(u + (((a * 6 + b) * (k / 16) + o / 16) * c + i) * 16 + o % 16, row[b]);
            }
        }
}

template <class V>
STUDIO_INLINE void gradKernels(const float* du, int64_t c, int64_t k, int64_t first, int64_t last, float* dg)
{
    constexpr int L = lanes<V>;
    for (int64_t i = first; i < last; ++i)
        for (int64_t o = 0; o < k; o += L) {
            V h[6][3]; // (∂L/∂U) G, row by row
            for (int a = 0; a < 6; ++a) {
                V row[6];
                for (int b = 0; b < 6; ++b)
                    row[b] = load<V>(du + ((a * 6 + b) * c + i) * k + o);
                gradKernelRows(row, h[a]);
            }
            for (int j = 0; j < 3; ++j) { // Gᵀ (…), column by column
                const V column[6] = {h[0][j], h[1][j], h[2][j], h[3][j], h[4][j], h[5][j]};
                V tap[3];
                gradKernelRows(column, tap);
                for (int r = 0; r < 3; ++r)
                    store(dg + (i * 9 + 3 * r + j) * k + o, tap[r]);
            }
        }
}

} // namespace

// Each transform compiled for both widths (every channel and kernel count here is a multiple of 16).
#define STUDIO_BOTH_WIDTHS(name, parameters, arguments)                                                                \
    STUDIO_AVX512 static void name##16 parameters                                                                      \
    {                                                                                                                  \
        name<V16> arguments;                                                                                           \
    }                                                                                                                  \
    STUDIO_AVX2 static void name##8 parameters                                                                         \
    {                                                                                                                  \
        name<V8> arguments;                                                                                            \
    }                                                                                                                  \
    void name parameters                                                                                               \
    {                                                                                                                  \
        kernels::wide() ? name##16 arguments : name##8 arguments;                                                      \
    }

STUDIO_BOTH_WIDTHS(transformInput,
                   (const float* in, const Shape& s, int64_t t0, int64_t count, const float* zeros, float* __restrict v,
                    int64_t tileStride, int64_t posStride, bool relu),
                   (in, s, t0, count, zeros, v, tileStride, posStride, relu))
STUDIO_BOTH_WIDTHS(transformOutput,
                   (const float* m, const Shape& s, int64_t t0, int64_t count, const float* bias, const float* mask,
                    float* __restrict out),
                   (m, s, t0, count, bias, mask, out))
STUDIO_BOTH_WIDTHS(transformGradOutput,
                   (const float* dy, const Shape& s, int64_t t0, int64_t count, float* __restrict g),
                   (dy, s, t0, count, g))
STUDIO_BOTH_WIDTHS(transformKernels, (const float* g, int64_t c, int64_t k, int64_t first, int64_t last, float* u),
                   (g, c, k, first, last, u))
STUDIO_BOTH_WIDTHS(gradKernels, (const float* du, int64_t c, int64_t k, int64_t first, int64_t last, float* dg),
                   (du, c, k, first, last, dg))

} // namespace studio::winograd::tiles
