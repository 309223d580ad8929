#include "evaluation/TemperatureScaling.h"

#include "util/StudioError.h"

#include <algorithm>
#include <cmath>

namespace studio {
namespace {

/// d NLL / d β at β = 1/T: mean over images of Σ_k p_k z_k − z_y (increasing in β).
double slope(const ScoredSet& s, double beta)
{
    const auto c = std::size_t(s.numClasses);
    double total = 0.0;
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
        const float* z = s.logits.data() + i * c;
        const double top = *std::max_element(z, z + c);
        double sum = 0.0, weighted = 0.0;
        for (std::size_t k = 0; k < c; ++k) {
            const double e = std::exp(beta * (z[k] - top));
            sum += e;
            weighted += e * z[k];
        }
        total += weighted / sum - z[std::size_t(s.labels[i])];
    }
    return total / double(s.labels.size());
}

} // namespace

double meanNll(const ScoredSet& s, double temperature)
{
    const auto c = std::size_t(s.numClasses);
    double total = 0.0;
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
        const float* z = s.logits.data() + i * c;
        const double top = *std::max_element(z, z + c) / temperature;
        double sum = 0.0;
        for (std::size_t k = 0; k < c; ++k)
            sum += std::exp(z[k] / temperature - top);
        total += top + std::log(sum) - z[std::size_t(s.labels[i])] / temperature;
    }
    return s.labels.empty() ? 0.0 : total / double(s.labels.size());
}

double fitTemperature(const ScoredSet& s)
{
    if (s.labels.empty())
        throw StudioError("Temperature scaling needs scored images (the validation split is empty).");
    double lo = std::log(1e-3), hi = std::log(1e3);
    if (slope(s, std::exp(lo)) >= 0)
        return 1.0 / std::exp(lo);
    if (slope(s, std::exp(hi)) <= 0)
        return 1.0 / std::exp(hi); // separable data: the sharper the better, up to the bound
    while (hi - lo > 1e-10) {
        const double mid = 0.5 * (lo + hi);
        (slope(s, std::exp(mid)) < 0 ? lo : hi) = mid;
    }
    return 1.0 / std::exp(0.5 * (lo + hi));
}

} // namespace studio
