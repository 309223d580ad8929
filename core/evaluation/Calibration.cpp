#include "evaluation/Calibration.h"

#include "util/StudioError.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace studio {
namespace {

struct TopLabel {
    std::vector<double> confidence;
    std::vector<bool> correct;
};

TopLabel topLabel(const ScoredSet& s, const std::vector<double>& probs)
{
    TopLabel t;
    const auto c = std::size_t(s.numClasses);
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
        const double* p = probs.data() + i * c;
        const auto best = std::size_t(std::max_element(p, p + c) - p);
        t.confidence.push_back(p[best]);
        t.correct.push_back(int(best) == s.labels[i]);
    }
    return t;
}

/// NaN (from non-finite model outputs) has no bin and would break the sort: refused.
void requireProbability(double confidence)
{
    if (!(confidence >= 0.0 && confidence <= 1.0))
        throw StudioError("A confidence of " + std::to_string(confidence) +
                          " is not a probability: the model's outputs are not finite.");
}

int uniformBin(double confidence, int bins)
{
    requireProbability(confidence);
    // (i/B, (i+1)/B]: ceil(conf·B) − 1, with 0 in the first bin.
    return std::clamp(int(std::ceil(confidence * bins)) - 1, 0, bins - 1);
}

} // namespace

std::vector<ReliabilityBin> reliabilityBins(const std::vector<double>& confidence, const std::vector<bool>& correct,
                                            int bins, Binning binning)
{
    if (bins < 1)
        throw StudioError("Reliability diagram: the bin count must be at least 1.");
    std::vector<ReliabilityBin> out(static_cast<std::size_t>(bins));
    const auto n = confidence.size();
    std::vector<int> binOf(n);
    std::for_each(confidence.begin(), confidence.end(), requireProbability);
    if (binning == Binning::Uniform) {
        for (int b = 0; b < bins; ++b) {
            out[std::size_t(b)].lower = double(b) / bins;
            out[std::size_t(b)].upper = double(b + 1) / bins;
        }
        for (std::size_t i = 0; i < n; ++i)
            binOf[i] = uniformBin(confidence[i], bins);
    } else {
        std::vector<std::size_t> order(n);
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return confidence[a] < confidence[b]; });
        for (std::size_t r = 0; r < n; ++r)
            binOf[order[r]] = int(r * std::size_t(bins) / n);
    }
    for (std::size_t i = 0; i < n; ++i) {
        auto& bin = out[std::size_t(binOf[i])];
        if (binning == Binning::EqualMass) {
            bin.lower = bin.count == 0 ? confidence[i] : std::min(bin.lower, confidence[i]);
            bin.upper = bin.count == 0 ? confidence[i] : std::max(bin.upper, confidence[i]);
        }
        ++bin.count;
        bin.confidence += confidence[i];
        bin.accuracy += correct[i] ? 1.0 : 0.0;
    }
    for (auto& bin : out)
        if (bin.count > 0) {
            bin.confidence /= double(bin.count);
            bin.accuracy /= double(bin.count);
        }
    return out;
}

CalibrationSummary calibration(const ScoredSet& s, double temperature, int bins, Binning binning)
{
    CalibrationSummary out;
    const auto n = s.labels.size();
    if (n == 0)
        return out;
    const auto probs = s.probabilities(temperature);
    const auto top = topLabel(s, probs);
    out.bins = reliabilityBins(top.confidence, top.correct, bins, binning);
    for (const auto& bin : out.bins) {
        if (bin.count == 0)
            continue;
        const double gap = std::abs(bin.accuracy - bin.confidence);
        out.ece += double(bin.count) / double(n) * gap;
        out.mce = std::max(out.mce, gap);
    }
    const auto c = std::size_t(s.numClasses);
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t k = 0; k < c; ++k) {
            const double target = int(k) == s.labels[i] ? 1.0 : 0.0;
            out.brier += (probs[i * c + k] - target) * (probs[i * c + k] - target);
        }
        out.nll -= std::log(std::max(probs[i * c + std::size_t(s.labels[i])], 1e-300));
        out.accuracy += top.correct[i] ? 1.0 : 0.0;
    }
    out.brier /= double(n);
    out.nll /= double(n);
    out.accuracy /= double(n);
    return out;
}

std::vector<ReliabilityBin> classReliability(const ScoredSet& s, int k, double temperature, int bins)
{
    const auto probs = s.probabilities(temperature);
    const auto c = std::size_t(s.numClasses);
    std::vector<double> confidence;
    std::vector<bool> isClass;
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
        confidence.push_back(probs[i * c + std::size_t(k)]);
        isClass.push_back(s.labels[i] == k);
    }
    return reliabilityBins(confidence, isClass, bins, Binning::Uniform);
}

ConfidenceHistogram confidenceHistogram(const ScoredSet& s, double temperature, int bins)
{
    if (bins < 1)
        throw StudioError("Confidence histogram: the bin count must be at least 1.");
    ConfidenceHistogram h{std::vector<std::int64_t>(std::size_t(bins)), std::vector<std::int64_t>(std::size_t(bins))};
    const auto top = topLabel(s, s.probabilities(temperature));
    for (std::size_t i = 0; i < top.confidence.size(); ++i)
        ++(top.correct[i] ? h.correct : h.incorrect)[std::size_t(uniformBin(top.confidence[i], bins))];
    return h;
}

} // namespace studio
