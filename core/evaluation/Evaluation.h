#pragma once
#include "evaluation/Calibration.h"
#include "evaluation/ClassificationReport.h"
#include "evaluation/ConfusionMatrix.h"
#include "evaluation/ImageScores.h"
#include "models/ScoredSet.h"

#include <QJsonObject>
#include <QString>

#include <string>
#include <vector>

namespace studio {

struct EvaluationOptions {
    int calibrationBins = 15;
    Binning binning = Binning::Uniform;
    int histogramBins = 20;
    double highConfidence = 0.9; ///< "high-confidence error" threshold
    int confusedPairs = 10;      ///< most-confused pairs listed
};

/// Everything the studio reports about a model on one split.
struct Evaluation {
    std::string split; ///< "test", "validation", …
    EvaluationOptions options;
    ScoredSet scores;
    double accuracy = 0, loss = 0;
    ConfusionMatrix confusion;
    ClassificationReport report;
    CalibrationSummary calibration; ///< at temperature 1
    double temperature = 1.0;       ///< fitted on the validation split (1 without one)
    bool temperatureFitted = false;
    CalibrationSummary calibrated; ///< at `temperature`
    ConfidenceHistogram histogram;
    std::vector<ImageScore> errors; ///< misclassified, most confident first
    std::int64_t highConfidenceErrors = 0;
};

/// Analyses `scores`; with a non-empty `validation` set, fits a temperature on it and reports
/// calibration before and after.
Evaluation analyse(std::string split, ScoredSet scores, const ScoredSet* validation = nullptr,
                   const EvaluationOptions& options = {});

/// Every figure as JSON (metrics.json).
QJsonObject toJson(const Evaluation& evaluation);

/// Counts with row and column totals, true classes down, predicted across (confusion.csv),
/// written atomically; throws StudioError naming the file it cannot write.
void writeConfusionCsv(const QString& path, const ConfusionMatrix& matrix);

/// Writes metrics.json, per_class.csv, confusion.csv, predictions.csv (index,label,pred,p0..p9)
/// and errors.csv into `folder`, each atomically; throws StudioError naming a file it cannot write.
/// `about` adds keys to metrics.json (the checkpoint, the data scored, …).
void writeEvaluationFiles(const QString& folder, const Evaluation& evaluation, const QJsonObject& about = {});

} // namespace studio
