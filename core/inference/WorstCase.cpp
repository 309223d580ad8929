#include "inference/WorstCase.h"

#include "inference/Predictor.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>

namespace studio {
namespace {

constexpr int kSteps = 8;      ///< outward steps along each ray
constexpr int kBisections = 5; ///< after the step: 1/8 · 1/32 = 1/256 of the ray

/// A ray in units of each range's reach; ends where its first amount reaches its range's end.
struct Ray {
    std::vector<double> unit; ///< direction, |unit| = 1
    double length = 0;        ///< the largest factor that keeps every amount in range
};

double reach(const PerturbationRange& r)
{
    return std::max(r.high - r.neutral, r.neutral - r.low);
}

Ray makeRay(std::vector<double> direction)
{
    const auto& ranges = perturbationRanges();
    double norm = 0;
    for (double d : direction)
        norm += d * d;
    norm = std::sqrt(norm);
    Ray ray{std::move(direction), 0};
    double length = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < ranges.size(); ++i) {
        ray.unit[i] /= norm;
        const double d = ray.unit[i] * reach(ranges[i]);
        if (d > 0)
            length = std::min(length, (ranges[i].high - ranges[i].neutral) / d);
        else if (d < 0)
            length = std::min(length, (ranges[i].low - ranges[i].neutral) / d);
    }
    ray.length = length;
    return ray;
}

Change pointOn(const Ray& ray, double t)
{
    const auto& ranges = perturbationRanges();
    Change change;
    for (std::size_t i = 0; i < ranges.size(); ++i)
        change.push_back(
            std::clamp(ranges[i].neutral + ray.unit[i] * t * reach(ranges[i]), ranges[i].low, ranges[i].high));
    return change;
}

/// Each perturbation alone both ways (noise only grows), then mixes of two to all six axes.
std::vector<Ray> rays(int mixed)
{
    const auto& ranges = perturbationRanges();
    const std::size_t n = ranges.size();
    std::vector<Ray> out;
    for (std::size_t i = 0; i < n; ++i)
        for (double sign : {-1.0, 1.0}) {
            std::vector<double> d(n, 0.0);
            d[i] = sign;
            if (ranges[i].neutral + sign * reach(ranges[i]) * 0.5 >= ranges[i].low &&
                ranges[i].neutral + sign * reach(ranges[i]) * 0.5 <= ranges[i].high)
                out.push_back(makeRay(d));
        }
    std::mt19937 rng(0x5eed);
    std::normal_distribution<double> normal;
    std::uniform_int_distribution<std::size_t> axes(2, n);
    for (int k = 0; k < mixed; ++k) {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), std::size_t(0));
        std::shuffle(order.begin(), order.end(), rng);
        order.resize(axes(rng));
        std::vector<double> d(n, 0.0);
        for (std::size_t i : order)
            d[i] = normal(rng);
        if (ranges[std::size_t(Perturbation::Noise)].neutral == ranges[std::size_t(Perturbation::Noise)].low)
            d[std::size_t(Perturbation::Noise)] = std::abs(d[std::size_t(Perturbation::Noise)]);
        out.push_back(makeRay(d));
    }
    return out;
}

int argmax(const std::vector<float>& p, std::size_t row, std::size_t classes)
{
    const float* begin = p.data() + row * classes;
    return int(std::max_element(begin, begin + classes) - begin);
}

} // namespace

WorstCase findWorstCase(const Predictor& predictor, const cv::Mat& image28, int directions)
{
    const auto classes = std::size_t(predictor.numClasses());
    WorstCase result;
    const auto original = predictor.probabilities(image28);
    result.original = argmax(original, 0, classes);
    result.evaluated = 1;

    // Step outwards along every ray at once: the first step at which each flips.
    const auto all = rays(directions);
    std::vector<cv::Mat> batch;
    for (const auto& ray : all)
        for (int s = 1; s <= kSteps; ++s)
            batch.push_back(perturb(image28, pointOn(ray, ray.length * s / kSteps)));
    const auto stepped = predictor.probabilities(batch);
    result.evaluated += int(batch.size());
    struct Bracket {
        std::size_t ray;
        double inside, outside; ///< same answer at `inside`, a different one at `outside`
    };
    std::vector<Bracket> brackets;
    double best = std::numeric_limits<double>::infinity();
    for (std::size_t r = 0; r < all.size(); ++r)
        for (int s = 1; s <= kSteps; ++s)
            if (argmax(stepped, r * kSteps + std::size_t(s - 1), classes) != result.original) {
                const double t = all[r].length * s / kSteps;
                brackets.push_back({r, all[r].length * (s - 1) / kSteps, t});
                best = std::min(best, t);
                break;
            }
    if (brackets.empty())
        return result;

    // Bisect the rays that could still beat the best flip, all in one batch a round.
    std::erase_if(brackets, [&](const Bracket& b) { return b.inside >= best; });
    for (int round = 0; round < kBisections; ++round) {
        batch.clear();
        for (const auto& b : brackets)
            batch.push_back(perturb(image28, pointOn(all[b.ray], (b.inside + b.outside) / 2)));
        const auto p = predictor.probabilities(batch);
        result.evaluated += int(batch.size());
        for (std::size_t i = 0; i < brackets.size(); ++i) {
            auto& b = brackets[i];
            const double mid = (b.inside + b.outside) / 2;
            (argmax(p, i, classes) != result.original ? b.outside : b.inside) = mid;
            best = std::min(best, b.outside);
        }
        std::erase_if(brackets, [&](const Bracket& b) { return b.inside >= best; });
    }
    // The smallest change among the flipped ends (measured as changeSize: clamping may shorten a ray).
    double smallest = std::numeric_limits<double>::infinity();
    for (const auto& b : brackets) {
        auto change = pointOn(all[b.ray], b.outside);
        const double size = changeSize(change);
        if (size < smallest) {
            smallest = size;
            result.change = std::move(change);
        }
    }
    result.image = perturb(image28, result.change);
    const auto p = predictor.probabilities(result.image);
    result.evaluated += 1;
    result.predicted = argmax(p, 0, classes);
    result.confidence = p[std::size_t(result.predicted)];
    result.size = smallest;
    result.found = result.predicted != result.original;
    return result;
}

} // namespace studio
