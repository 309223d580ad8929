// evaluate: accuracy, loss and predictions.csv of a checkpoint on the test or validation split.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "evaluation/Evaluation.h"
#include "data/IdxReader.h"
#include "evaluation/ModelEvaluation.h"
#include "runs/RunStore.h"
#include "training/Checkpoint.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QDir>
#include <QJsonObject>

namespace studio::cli {

int evaluateCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addDataOption(parser);
    addRunsOption(parser);
    parser.addOption({"run", "Evaluate this run's checkpoint (see --which).", "ID"});
    parser.addOption({"which", "best (default) or latest checkpoint of --run.", "KIND", "best"});
    parser.addOption({"checkpoint", "Evaluate this checkpoint file instead of a run.", "FILE"});
    parser.addOption({"split", "test (default) or validation (the run's own held-out images).", "SPLIT", "test"});
    parser.addOption({"images", "Evaluate on this IDX image file (with --labels) instead of a split.", "FILE"});
    parser.addOption({"labels", "The IDX label file for --images.", "FILE"});
    parser.addOption({"limit-test", "Use only the first N test images.", "N"});
    parser.addOption({"threads", "Torch threads (default: all cores).", "N", "0"});
    parser.addOption({"out", "Write the result files into DIR (default: the run's folder).", "DIR"});
    addEvaluationOptions(parser);
    parseOrExit(parser, args,
                "Evaluate a trained model: accuracy, loss, per-class precision/recall/F1, confusion matrix, "
                "calibration (ECE, MCE, Brier, NLL; temperature fitted on the validation split) and per-image "
                "predictions.");
    return guarded([&] {
        configureTorchThread(parser.value("threads").toInt());
        QString checkpoint = parser.value("checkpoint");
        std::int64_t runId = 0;
        std::unique_ptr<RunStore> store;
        if (parser.isSet("run")) {
            runId = parseRunId(parser.value("run"));
            store = std::make_unique<RunStore>(runsFolder(parser));
            if (!store->run(runId))
                throw StudioError("No run " + std::to_string(runId) + " in " + store->folder().toStdString() + ".");
            checkpoint = store->checkpoint(runId, parser.value("which"));
        }
        if (checkpoint.isEmpty())
            throw StudioError("evaluate needs --run ID or --checkpoint FILE.");
        const auto options = evaluationOptions(parser);
        const auto split = parser.value("split");
        const auto loaded = loadModelFromCheckpoint(checkpoint);
        double seconds = 0;
        Evaluation evaluation;
        if (parser.isSet("images") || parser.isSet("labels")) {
            if (!parser.isSet("images") || !parser.isSet("labels"))
                throw StudioError("--images and --labels go together.");
            LabeledImages set{readIdxImages(parser.value("images").toStdString()),
                              readIdxLabels(parser.value("labels").toStdString())};
            if (set.images.size(0) != set.labels.size(0))
                throw StudioError(parser.value("images").toStdString() + " holds " +
                                  std::to_string(set.images.size(0)) + " images but " +
                                  parser.value("labels").toStdString() + " " + std::to_string(set.labels.size(0)) +
                                  " labels.");
            evaluation =
                evaluateImages(loaded, set.head(parser.value("limit-test").toLongLong()),
                               QFileInfo(parser.value("images")).fileName().toStdString(), nullptr, options, &seconds);
        } else {
            const auto dataset = loadDatasetFor(parser);
            evaluation = evaluateModel(loaded, dataset, split.toStdString(), parser.value("limit-test").toLongLong(),
                                       options, &seconds);
        }
        const auto& p = evaluation.scores;

        const QString outDir = parser.isSet("out") ? parser.value("out")
                               : runId             ? store->runDir(runId)
                                                   : QFileInfo(checkpoint).absolutePath();
        writeEvaluationFiles(outDir, evaluation);
        auto metrics = toJson(evaluation);
        metrics["checkpoint"] = QFileInfo(checkpoint).absoluteFilePath();
        metrics["seconds"] = seconds;
        if (store && split == "test" && !parser.isSet("images"))
            store->setTestResult(runId, evaluation.accuracy, evaluation.loss, metrics);
        std::printf("%s split: %lld images, accuracy %.2f%%, loss %.4f, %lld errors (%lld above %.0f%% confidence), "
                    "macro F1 %.4f (%.2f s)\n",
                    evaluation.split.c_str(), static_cast<long long>(p.size()), evaluation.accuracy * 100,
                    evaluation.loss, static_cast<long long>(evaluation.errors.size()),
                    static_cast<long long>(evaluation.highConfidenceErrors), options.highConfidence * 100,
                    evaluation.report.macro.f1, seconds);
        std::printf("calibration: ECE %.4f, MCE %.4f, Brier %.4f, NLL %.4f", evaluation.calibration.ece,
                    evaluation.calibration.mce, evaluation.calibration.brier, evaluation.calibration.nll);
        if (evaluation.temperatureFitted)
            std::printf("; temperature %.3f (fitted on validation) -> ECE %.4f, NLL %.4f", evaluation.temperature,
                        evaluation.calibrated.ece, evaluation.calibrated.nll);
        std::printf("\nwrote metrics.json, per_class.csv, confusion.csv, predictions.csv, errors.csv in %s\n",
                    qPrintable(outDir));
        return 0;
    });
}

} // namespace studio::cli
