#include "evaluation/ModelEvaluation.h"

#include "data/DatasetSearch.h"
#include "data/Split.h"
#include "models/Predictions.h"
#include "util/StudioError.h"

#include <chrono>
#include <optional>

namespace studio {

Evaluation evaluateImages(const LoadedModel& loaded, const LabeledImages& images, const std::string& name,
                          const LabeledImages* validation, const EvaluationOptions& options, double* predictSeconds)
{
    if (images.size() == 0)
        throw StudioError("The " + name + " split is empty.");
    auto& model = *loaded.model;
    const auto start = std::chrono::steady_clock::now();
    const auto scores = scoredSet(predict(model, images, loaded.meta.data.mean, loaded.meta.data.std));
    if (predictSeconds)
        *predictSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::optional<ScoredSet> held;
    if (validation && validation->size() > 0)
        held = scoredSet(predict(model, *validation, loaded.meta.data.mean, loaded.meta.data.std));
    return analyse(name, scores, held ? &*held : nullptr, options);
}

Evaluation evaluateModel(const LoadedModel& loaded, const Dataset& dataset, const std::string& split,
                         std::int64_t limitTest, const EvaluationOptions& options, double* predictSeconds)
{
    if (split != "test" && split != "validation")
        throw StudioError("The split must be test or validation, not \"" + split + "\".");
    if (!sameData(loaded.meta.data, dataset))
        throw StudioError("This model was trained on " + loaded.meta.data.describe() + ", not on " +
                          dataset.describe() + ": its " + split + " split would be other data.");
    const auto& c = loaded.meta.config;
    const auto held = trainingSets(dataset, c.limitTrain, c.valFraction, c.seed).validation;
    if (split == "validation")
        return evaluateImages(loaded, held, split, nullptr, options, predictSeconds);
    return evaluateImages(loaded, dataset.test.head(limitTest), split, &held, options, predictSeconds);
}

} // namespace studio
