#include "evaluation/ModelEvaluation.h"

#include "evaluation/Predictions.h"
#include "training/Trainer.h"
#include "util/StudioError.h"

#include <chrono>
#include <optional>

namespace studio {

Evaluation evaluateModel(const LoadedModel& loaded, const Dataset& dataset, const std::string& split,
                         std::int64_t limitTest, const EvaluationOptions& options, double* predictSeconds)
{
    if (split != "test" && split != "validation")
        throw StudioError("The split must be test or validation, not \"" + split + "\".");
    const auto held = trainingSets(dataset, loaded.meta.config).validation;
    const LabeledImages images = split == "test" ? dataset.test.head(limitTest) : held;
    if (images.size() == 0)
        throw StudioError("The " + split + " split is empty.");
    auto& model = *loaded.model;
    const auto start = std::chrono::steady_clock::now();
    const auto scores = scoredSet(predict(model, images, loaded.meta.mean, loaded.meta.std));
    if (predictSeconds)
        *predictSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::optional<ScoredSet> validation;
    if (split == "test" && held.size() > 0)
        validation = scoredSet(predict(model, held, loaded.meta.mean, loaded.meta.std));
    return analyse(split, scores, validation ? &*validation : nullptr, options);
}

} // namespace studio
