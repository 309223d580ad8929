// evaluate: accuracy, loss and predictions.csv of a checkpoint on the test or validation split.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "data/IdxReader.h"
#include "evaluation/Evaluation.h"
#include "evaluation/Forgetting.h"
#include "evaluation/ModelEvaluation.h"
#include "runs/RunData.h"
#include "training/Checkpoint.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QDir>
#include <QJsonObject>

namespace studio::cli {

int evaluateCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption({"data",
                      "Evaluate on this dataset folder's test split. By default the model's own data is used (found "
                      "by its content fingerprint); other data is evaluated into <run>/other-data/NAME-FINGERPRINT and "
                      "never stored as the run's test result.",
                      "DIR"});
    addRunsOption(parser);
    parser.addOption({"run", "Evaluate this run's checkpoint (see --which).", "ID"});
    parser.addOption({"which", "best (default) or latest checkpoint of --run.", "KIND", "best"});
    parser.addOption({"checkpoint", "Evaluate this checkpoint file instead of a run.", "FILE"});
    parser.addOption({"split", "test (default) or validation (the run's own held-out images).", "SPLIT", "test"});
    parser.addOption({"images", "Evaluate on this IDX image file (with --labels) instead of a split.", "FILE"});
    parser.addOption({"labels", "The IDX label file for --images.", "FILE"});
    parser.addOption({"limit-test", "Use only the first N test images (0: all).", "N", "0"});
    parser.addOption({"threads", "Torch threads (default: all cores).", "N", "0"});
    parser.addOption({"out", "Write the result files into DIR (default: the run's folder).", "DIR"});
    addEvaluationOptions(parser);
    parseOrExit(parser, args,
                "Evaluate a trained model: accuracy, loss, per-class precision/recall/F1, confusion matrix, "
                "calibration (ECE, MCE, Brier, NLL; temperature fitted on the validation split) and per-image "
                "predictions.");
    return guarded([&] {
        configureTorchThread(int(wholeNumber(parser, "threads", 0, 256)));
        QString checkpoint = parser.value("checkpoint");
        std::int64_t runId = 0;
        std::unique_ptr<RunStore> store;
        if (parser.isSet("run")) {
            runId = parseRunId(parser.value("run"));
            store = std::make_unique<RunStore>(runsFolder(parser));
            if (!store->run(runId))
                throw StudioError("No run " + std::to_string(runId) + " in " + store->location().toStdString() + ".");
            checkpoint = store->checkpoint(runId, parser.value("which"));
        }
        if (checkpoint.isEmpty())
            throw StudioError("evaluate needs --run ID or --checkpoint FILE.");
        const auto options = evaluationOptions(parser);
        const auto split = parser.value("split").toStdString();
        const auto limit = wholeNumber(parser, "limit-test", 0, 1000000000);
        const auto loaded = loadModelFromCheckpoint(checkpoint);
        const QString base = runId ? store->runDir(runId) : QFileInfo(checkpoint).absolutePath();
        double seconds = 0;
        Evaluation evaluation;
        QJsonObject data;  // what was scored
        QString otherData; // non-empty: not the data the model was trained on; names its folder
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
            const auto name = QFileInfo(parser.value("images")).fileName();
            evaluation = evaluateImages(loaded, set.head(limit), name.toStdString(), nullptr, options, &seconds);
            data = {{"images", QFileInfo(parser.value("images")).absoluteFilePath()},
                    {"labels", QFileInfo(parser.value("labels")).absoluteFilePath()}};
            otherData = name;
        } else {
            std::shared_ptr<const Dataset> given;
            if (parser.isSet("data"))
                given = std::make_shared<Dataset>(loadDataset(parser.value("data").toStdString()));
            if (given && !sameData(loaded.meta.data, *given)) {
                if (split != "test")
                    throw StudioError("--split " + split + " means the run's own held-out images; on other data (" +
                                      given->describe() + ") only the test split can be evaluated.");
                evaluation = evaluateImages(loaded, given->test.head(limit), "test", nullptr, options, &seconds);
                data = toJson(*given);
                otherData = QString::fromStdString(given->name + "-" + given->shortFingerprint());
            } else {
                auto search = dataSearch(parser);
                search.loaded.push_back(given);
                const auto own = store ? runDataset(*store, runId, search) : findDataset(loaded.meta.data, search);
                evaluation = evaluateModel(loaded, *own, split, limit, options, &seconds);
                data = toJson(*own);
            }
        }
        const auto& p = evaluation.scores;

        const QString outDir = parser.isSet("out")   ? parser.value("out")
                               : otherData.isEmpty() ? base
                                                     : QDir(base).filePath("other-data/" + otherData);
        auto metrics = toJson(evaluation);
        metrics["checkpoint"] = QFileInfo(checkpoint).absoluteFilePath();
        metrics["seconds"] = seconds;
        metrics["data"] = data;
        metrics["trained_on"] = toJson(loaded.meta.data);
        metrics["other_data"] = !otherData.isEmpty();
        // The run's epoch replay (its validation images at every epoch), when it kept one.
        std::vector<ReplayEpoch> replay;
        if (otherData.isEmpty()) {
            try {
                replay = store ? readReplay(base, store->run(runId)->epochsDone) : readReplay(base);
            } catch (const StudioError& e) {
                std::fprintf(stderr, "%s forgetting.csv is not written.\n", e.what());
            }
        }
        const auto histories = imageHistories(replay);
        if (!replay.empty())
            metrics["forgetting"] = forgettingSummary(replay, histories);
        writeEvaluationFiles(outDir, evaluation, metrics);
        if (!replay.empty())
            writeForgettingCsv(QDir(outDir).filePath("forgetting.csv"), replay, histories);
        if (store && split == "test" && otherData.isEmpty())
            store->setTestResult(runId, evaluation.accuracy, evaluation.loss, metrics);
        if (!otherData.isEmpty())
            std::printf("evaluated on other data: %s; the model was trained on %s, so this is not the run's test "
                        "result\n",
                        parser.isSet("images") ? qPrintable(otherData) : datasetInfoFromJson(data).describe().c_str(),
                        loaded.meta.data.describe().c_str());
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
        if (!replay.empty()) {
            const auto f = metrics["forgetting"].toObject();
            std::printf("\nvalidation images over epochs %d-%d: %lld never forgotten, %lld forgotten at least once, "
                        "%lld not learned",
                        f["first_epoch"].toInt(), f["last_epoch"].toInt(),
                        static_cast<long long>(f["never_forgotten"].toInteger()),
                        static_cast<long long>(f["forgotten_at_least_once"].toInteger()),
                        static_cast<long long>(f["not_learned"].toInteger()));
        }
        std::printf("\nwrote metrics.json, per_class.csv, confusion.csv, predictions.csv, errors.csv%s in %s\n",
                    replay.empty() ? "" : ", forgetting.csv", qPrintable(outDir));
        return 0;
    });
}

} // namespace studio::cli
