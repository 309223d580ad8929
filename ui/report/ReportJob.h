#pragma once
#include "ReportWriter.h"

namespace studio {
struct Dataset;
}

namespace studio::ui {

/// The slow half of a run's report, for a worker thread: loads `checkpoint`, evaluates it on the
/// test split (the first `limitTest` images; 0: all) and fills the evaluation, the model summary
/// and the images of the first 20 errors. Throws StudioError naming a bad checkpoint.
ReportInput evaluateForReport(const QString& checkpoint, const Dataset& dataset, qint64 limitTest = 0,
                              const EvaluationOptions& options = {});

} // namespace studio::ui
