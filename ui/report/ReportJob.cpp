#include "ReportJob.h"

#include "DigitImage.h"

#include "data/Dataset.h"
#include "evaluation/ModelEvaluation.h"
#include "models/ModelSummary.h"
#include "training/Checkpoint.h"

namespace studio::ui {

ReportInput evaluateForReport(const QString& checkpoint, const Dataset& dataset, qint64 limitTest,
                              const EvaluationOptions& options)
{
    const auto loaded = loadModelFromCheckpoint(checkpoint);
    ReportInput input;
    input.evaluation = evaluateModel(loaded, dataset, "test", limitTest, options);
    input.modelSummary = QString::fromStdString(summarizeModel(*loaded.model).toText());
    const auto test = dataset.test.head(limitTest);
    const auto& errors = input.evaluation.errors;
    for (std::size_t i = 0; i < std::min<std::size_t>(20, errors.size()); ++i)
        input.errorImages.append(digitImage(test.images[errors[i].index].contiguous().data_ptr<std::uint8_t>()));
    return input;
}

} // namespace studio::ui
