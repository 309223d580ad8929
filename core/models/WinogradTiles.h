#pragma once
// The tiles of Winograd's F(4×4, 3×3) for Winograd.cpp: where they lie and their transforms (Lavin
// and Gray's points 0, ±1, ±2; each 2-d transform a 1-d one down a tile's columns and then along its
// rows, 16 channels or kernels at a time with AVX-512 and 8 with AVX2 + FMA, whatever the build's
// target: kernels::wide() chooses).
#include <algorithm>
#include <cstdint>

namespace studio::winograd::tiles {

/// One convolution's geometry: NHWC input n×h×w×c, output n×h×w×k, tiles of 4×4 outputs whose
/// 6×6 input tiles start one row and column before them (the zero padding).
struct Shape {
    int64_t n, h, w, c, k;
    int64_t tilesY() const { return (h + 3) / 4; }
    int64_t tilesX() const { return (w + 3) / 4; }
    int64_t tiles() const { return n * tilesY() * tilesX(); }
    /// Tiles per block, a multiple of the micro-kernel's 6 rows: the block's transformed input and
    /// products (36 × tiles × (c + k) floats) stay within ~384 KB of cache.
    int64_t block() const { return std::max<int64_t>(6, 2730 / (c + k) / 6 * 6); }
    /// The weight gradient's block, at least 48 tiles: its products sum over a block's tiles into
    /// the 36·c·k gradient, read and written once a block (2.4 MB at 128 channels; blocks of 6
    /// tiles made that traffic the bound, 2× slower).
    int64_t weightBlock() const { return std::max<int64_t>(48, block()); }
    /// Floats from one tile's 36 transformed inputs (outputs) to the next's in a block: tile-major,
    /// padded by 16 so that successive tiles do not fall on the same cache sets.
    int64_t inputStride() const { return 36 * c + 16; }
    int64_t outputStride() const { return 36 * k + 16; }
    int64_t scratch(int64_t tiles) const { return tiles * (inputStride() + outputStride()); }
};

/// Where tile `t` lies: image, first input row and column (−1 at the top/left edge), and how many
/// of its 4 rows and 4 columns of outputs (from y + 1, x + 1) lie inside the map.
struct Tile {
    int64_t image, y, x;
    int rows, cols;
    Tile(const Shape& s, int64_t t)
    {
        const auto perImage = s.tilesY() * s.tilesX(), r = t % perImage;
        image = t / perImage;
        y = 4 * (r / s.tilesX()) - 1;
        x = 4 * (r % s.tilesX()) - 1;
        rows = static_cast<int>(std::min<int64_t>(4, s.h - y - 1));
        cols = static_cast<int>(std::min<int64_t>(4, s.w - x - 1));
    }
};

/// V = Bᵀ d B of `count` tiles from t0, 8 channels at a time, into v: tile t's position pos at
/// v + t·tileStride + pos·posStride. Down the columns into a 6×6 buffer in L1, then along its rows.
/// Taps outside the map read `zeros`. With `relu`, the tile is max(0, d): the convolution of the
/// ReLU of `in`.
void transformInput(const float* in, const Shape& s, int64_t t0, int64_t count, const float* zeros, float* __restrict v,
                    int64_t tileStride, int64_t posStride, bool relu);

/// Y = Aᵀ M A (+ bias) from m (tile t's position pos at m + t·outputStride + pos·k), written to the
/// NHWC output where it lies inside; with a `mask` (an NHWC map of the output's shape), zero where
/// the mask is not positive: the input gradient through a ReLU of that map.
void transformOutput(const float* m, const Shape& s, int64_t t0, int64_t count, const float* bias, const float* mask,
                     float* __restrict out);

/// ∂L/∂M = A (∂L/∂Y) Aᵀ of `count` tiles (outputs outside the map count as zero), into g laid out as
/// m in transformOutput.
void transformGradOutput(const float* dy, const Shape& s, int64_t t0, int64_t count, float* __restrict g);

/// U = G g Gᵀ for input channels [first, last) of g laid out c × 3 × 3 × k (a tap of k kernels
/// side by side), into u[pos][k / 16][c][k % 16].
void transformKernels(const float* g, int64_t c, int64_t k, int64_t first, int64_t last, float* u);

/// ∂L/∂g = Gᵀ (∂L/∂U) G for input channels [first, last) of du (du[pos][c][k]), into dg laid out
/// c × 3 × 3 × k.
void gradKernels(const float* du, int64_t c, int64_t k, int64_t first, int64_t last, float* dg);

} // namespace studio::winograd::tiles
