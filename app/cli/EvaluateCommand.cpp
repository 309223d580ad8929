// evaluate: accuracy, loss and predictions.csv of a checkpoint on the test or validation split.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "evaluation/Evaluation.h"
#include "evaluation/Predictions.h"
#include "runs/RunStore.h"
#include "training/Checkpoint.h"
#include "training/Trainer.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonObject>

#include <optional>

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
    parser.addOption({"limit-test", "Use only the first N test images.", "N"});
    parser.addOption({"threads", "Torch threads (default: all cores).", "N", "0"});
    parser.addOption({"out", "Write the result files into DIR (default: the run's folder).", "DIR"});
    parser.addOption({"bins", "Reliability-diagram bins (default 15).", "N", "15"});
    parser.addOption({"binning", "uniform (default) or equal-mass reliability bins.", "KIND", "uniform"});
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
            const auto which = parser.value("which");
            if (which != "best" && which != "latest")
                throw StudioError("--which must be best or latest.");
            checkpoint = QDir(store->runDir(runId)).filePath(which + ".pt");
        }
        if (checkpoint.isEmpty())
            throw StudioError("evaluate needs --run ID or --checkpoint FILE.");
        const auto split = parser.value("split");
        if (split != "test" && split != "validation")
            throw StudioError("--split must be test or validation.");

        const auto loaded = loadModelFromCheckpoint(checkpoint);
        const auto dataset = loadDatasetFor(parser);
        LabeledImages images = split == "test" ? dataset.test.head(parser.value("limit-test").toLongLong())
                                               : trainingSets(dataset, loaded.meta.config).validation;
        if (images.size() == 0)
            throw StudioError("The " + split.toStdString() + " split is empty.");
        QElapsedTimer timer;
        timer.start();
        const auto p = predict(*loaded.model, images, loaded.meta.mean, loaded.meta.std);
        const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
        // The temperature is fitted on the run's validation split (never on the split reported).
        std::optional<ScoredSet> validation;
        if (split == "test") {
            const auto held = trainingSets(dataset, loaded.meta.config).validation;
            if (held.size() > 0)
                validation = scoredSet(predict(*loaded.model, held, loaded.meta.mean, loaded.meta.std));
        }
        EvaluationOptions options;
        options.calibrationBins = parser.value("bins").toInt();
        if (options.calibrationBins < 1 || options.calibrationBins > 1000)
            throw StudioError("--bins must be between 1 and 1000.");
        options.binning = parser.value("binning") == "equal-mass" ? Binning::EqualMass : Binning::Uniform;
        if (parser.value("binning") != "uniform" && parser.value("binning") != "equal-mass")
            throw StudioError("--binning must be uniform or equal-mass.");
        const auto evaluation =
            analyse(split.toStdString(), scoredSet(p), validation ? &*validation : nullptr, options);

        const QString outDir = parser.isSet("out") ? parser.value("out")
                               : runId             ? store->runDir(runId)
                                                   : QFileInfo(checkpoint).absolutePath();
        writeEvaluationFiles(outDir, evaluation);
        auto metrics = toJson(evaluation);
        metrics["checkpoint"] = QFileInfo(checkpoint).absoluteFilePath();
        metrics["seconds"] = seconds;
        if (store && split == "test")
            store->setTestResult(runId, evaluation.accuracy, evaluation.loss, metrics);
        std::printf("%s split: %lld images, accuracy %.2f%%, loss %.4f, %lld errors (%lld above %.0f%% confidence), "
                    "macro F1 %.4f (%.2f s)\n",
                    qPrintable(split), static_cast<long long>(p.size()), evaluation.accuracy * 100, evaluation.loss,
                    static_cast<long long>(evaluation.errors.size()),
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
