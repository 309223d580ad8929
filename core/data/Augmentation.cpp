#include "data/Augmentation.h"

#include "util/Seed.h"

#include <torch/nn/functional/vision.h>

#include <cmath>
#include <numbers>
#include <vector>

namespace studio {
namespace {

/// A tiny deterministic generator of uniform doubles (splitmix64 stream).
class Uniform {
public:
    explicit Uniform(std::uint64_t seed) : m_state(seed) {}
    double operator()(double lo, double hi)
    {
        m_state = mixSeed(m_state, 1);
        return lo + (hi - lo) * static_cast<double>(m_state >> 11) * 0x1.0p-53;
    }

private:
    std::uint64_t m_state;
};

} // namespace

torch::Tensor augmentGeometry(const torch::Tensor& images, const AugmentConfig& c, std::uint64_t seed)
{
    const auto n = images.size(0);
    Uniform uniform(seed);
    std::vector<float> theta(static_cast<std::size_t>(n) * 6);
    const double deg = std::numbers::pi / 180.0;
    for (std::int64_t i = 0; i < n; ++i) {
        const double angle = uniform(-c.rotationDeg, c.rotationDeg) * deg;
        const double shear = std::tan(uniform(-c.shearDeg, c.shearDeg) * deg);
        const double scale = uniform(c.scaleMin, c.scaleMax);
        // Translation in normalised coordinates ([-1, 1] spans the image: 2 × fraction).
        const double tx = 2.0 * uniform(-c.translate, c.translate);
        const double ty = 2.0 * uniform(-c.translate, c.translate);
        // Forward map A = R(angle) · Shear_x · scale; affine_grid wants output -> input: A^-1.
        const double ca = std::cos(angle), sa = std::sin(angle);
        const double a00 = scale * ca, a01 = scale * (ca * shear - sa);
        const double a10 = scale * sa, a11 = scale * (sa * shear + ca);
        const double det = a00 * a11 - a01 * a10;
        const double i00 = a11 / det, i01 = -a01 / det, i10 = -a10 / det, i11 = a00 / det;
        float* t = theta.data() + 6 * i;
        t[0] = static_cast<float>(i00);
        t[1] = static_cast<float>(i01);
        t[2] = static_cast<float>(-(i00 * tx + i01 * ty));
        t[3] = static_cast<float>(i10);
        t[4] = static_cast<float>(i11);
        t[5] = static_cast<float>(-(i10 * tx + i11 * ty));
    }
    const auto thetaT = torch::from_blob(theta.data(), {n, 2, 3}, torch::kFloat32).clone();
    namespace F = torch::nn::functional;
    const auto grid = F::affine_grid(thetaT, images.sizes(), /*align_corners=*/false);
    return F::grid_sample(
        images, grid,
        F::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kZeros).align_corners(false));
}

void randomErase(torch::Tensor& images, const AugmentConfig& c, std::uint64_t seed)
{
    const auto n = images.size(0), h = images.size(2), w = images.size(3);
    Uniform uniform(seed);
    const double area = static_cast<double>(h * w);
    const double logLo = std::log(0.3), logHi = std::log(3.3);
    for (std::int64_t i = 0; i < n; ++i) {
        if (uniform(0.0, 1.0) >= c.eraseProbability)
            continue;
        for (int attempt = 0; attempt < 10; ++attempt) {
            const double eraseArea = area * uniform(c.eraseAreaMin, c.eraseAreaMax);
            const double aspect = std::exp(uniform(logLo, logHi));
            const auto eh = static_cast<std::int64_t>(std::lround(std::sqrt(eraseArea * aspect)));
            const auto ew = static_cast<std::int64_t>(std::lround(std::sqrt(eraseArea / aspect)));
            if (eh < 1 || ew < 1 || eh >= h || ew >= w)
                continue;
            const auto top = static_cast<std::int64_t>(uniform(0.0, static_cast<double>(h - eh + 1)));
            const auto left = static_cast<std::int64_t>(uniform(0.0, static_cast<double>(w - ew + 1)));
            images[i].slice(1, top, top + eh).slice(2, left, left + ew).zero_();
            break;
        }
    }
}

} // namespace studio
