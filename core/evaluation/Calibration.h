#pragma once
#include "models/ScoredSet.h"

#include <cstdint>
#include <vector>

namespace studio {

enum class Binning { Uniform, EqualMass };

/// One bin of a reliability diagram.
struct ReliabilityBin {
    double lower = 0, upper = 0; ///< confidence range (uniform: (lower, upper]; equal-mass: observed)
    std::int64_t count = 0;
    double confidence = 0; ///< mean confidence in the bin
    double accuracy = 0;   ///< fraction correct in the bin
};

/// Top-label calibration of a set of scores.
struct CalibrationSummary {
    std::vector<ReliabilityBin> bins;
    double ece = 0;   ///< Σ_b n_b/N · |accuracy_b − confidence_b|
    double mce = 0;   ///< max over non-empty bins of |accuracy_b − confidence_b|
    double brier = 0; ///< 1/N Σ_i Σ_k (p_ik − [k = y_i])²  (multi-class, range 0..2)
    double nll = 0;   ///< 1/N Σ_i −log p_i,y_i
    double accuracy = 0;
};

/// Bins (confidence, correct) pairs: uniform bins (i/B, (i+1)/B] (confidence 0 in the first), or
/// B bins of (nearly) equal count after sorting by confidence. Empty bins are kept (count 0).
std::vector<ReliabilityBin> reliabilityBins(const std::vector<double>& confidence, const std::vector<bool>& correct,
                                            int bins, Binning binning);

/// Calibration of `scores` with probabilities softmax(logits / temperature).
CalibrationSummary calibration(const ScoredSet& scores, double temperature = 1.0, int bins = 15,
                               Binning binning = Binning::Uniform);

/// Class-wise reliability for class k: confidence p_ik of every image, "correct" when y_i = k.
std::vector<ReliabilityBin> classReliability(const ScoredSet& scores, int k, double temperature = 1.0, int bins = 10);

/// Histograms of the top-label confidence over [0, 1] in `bins` equal bins, for correct and for
/// incorrect predictions.
struct ConfidenceHistogram {
    std::vector<std::int64_t> correct, incorrect;
};
ConfidenceHistogram confidenceHistogram(const ScoredSet& scores, double temperature = 1.0, int bins = 20);

} // namespace studio
