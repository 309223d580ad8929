#pragma once
#include "evaluation/ConfusionMatrix.h"

#include <vector>

namespace studio {

struct ClassScores {
    double precision = 0, recall = 0, f1 = 0;
    std::int64_t support = 0;
};

/// scikit-learn's classification_report from a confusion matrix: per-class precision
/// tp/(tp+fp), recall tp/(tp+fn), F1 2pr/(p+r), with 0 where a denominator is 0 (zero_division=0);
/// macro = unweighted mean and weighted = support-weighted mean over the classes that occur in the
/// labels or the predictions (sklearn's unique_labels).
struct ClassificationReport {
    std::vector<ClassScores> perClass; ///< every class 0..C-1
    std::vector<bool> present;         ///< the class occurs in labels or predictions
    ClassScores macro, weighted;       ///< support = total
    double accuracy = 0;
    std::int64_t total = 0;
};

ClassificationReport classificationReport(const ConfusionMatrix& confusion);

} // namespace studio
