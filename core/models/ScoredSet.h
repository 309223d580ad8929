#pragma once
#include <QString>

#include <cstdint>
#include <vector>

namespace studio {

/// A model's scores on a labelled set in plain arrays: what every analysis (metrics, confusion,
/// calibration, errors) and the UI work on, without torch.
struct ScoredSet {
    int numClasses = 10;
    std::vector<int> labels;   ///< N true classes
    std::vector<float> logits; ///< N×numClasses, row-major

    std::int64_t size() const { return std::int64_t(labels.size()); }
    /// softmax(logits / temperature), N×numClasses row-major.
    std::vector<double> probabilities(double temperature = 1.0) const;
    /// argmax of the logits (the first maximum on ties).
    std::vector<int> predicted() const;
    /// Per true class, the fraction predicted right (its recall); NaN for a class without images.
    std::vector<double> classAccuracy() const;
};

/// Writes index,label,pred,p0..p{C-1} (probabilities at `temperature`) atomically (QSaveFile);
/// throws StudioError naming the file.
void writePredictionsCsv(const QString& path, const ScoredSet& scores, double temperature = 1.0);

} // namespace studio
