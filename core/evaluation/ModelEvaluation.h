#pragma once
#include "data/Dataset.h"
#include "evaluation/Evaluation.h"
#include "training/Checkpoint.h"

#include <string>

namespace studio {

/// Scores a loaded checkpoint on `split` ("test": the first limitTest test images, 0 = all;
/// "validation": the run's own held-out images) and analyses them. For the test split the
/// temperature is fitted on the run's validation split (never on the split reported). Throws
/// StudioError when `dataset` is not the data the model was trained on (see sameData).
/// `predictSeconds` (optional) receives the time of the forward passes over the split.
Evaluation evaluateModel(const LoadedModel& loaded, const Dataset& dataset, const std::string& split,
                         std::int64_t limitTest = 0, const EvaluationOptions& options = {},
                         double* predictSeconds = nullptr);

/// Scores a loaded checkpoint on any labelled images (e.g. a pair of IDX files) and analyses them,
/// fitting the temperature on `validation` when given. `name` labels the split in the results.
Evaluation evaluateImages(const LoadedModel& loaded, const LabeledImages& images, const std::string& name,
                          const LabeledImages* validation = nullptr, const EvaluationOptions& options = {},
                          double* predictSeconds = nullptr);

} // namespace studio
