// evaluate: accuracy, loss and predictions.csv of a checkpoint on the test or validation split.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "evaluation/Predictions.h"
#include "runs/RunStore.h"
#include "training/Checkpoint.h"
#include "training/Trainer.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

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
    parser.addOption({"out", "Write predictions.csv and metrics.json into DIR (default: the run's folder).", "DIR"});
    parseOrExit(parser, args, "Evaluate a trained model: accuracy, mean loss and per-image predictions.");
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

        const QString outDir = parser.isSet("out") ? parser.value("out")
                               : runId             ? store->runDir(runId)
                                                   : QFileInfo(checkpoint).absolutePath();
        QDir().mkpath(outDir);
        writePredictionsCsv(QDir(outDir).filePath("predictions.csv"), p);
        QJsonObject metrics{{"split", split},
                            {"checkpoint", QFileInfo(checkpoint).absoluteFilePath()},
                            {"images", qint64(p.size())},
                            {"accuracy", p.accuracy},
                            {"loss", p.meanLoss},
                            {"errors", qint64(p.predicted.ne(p.labels).sum().item<std::int64_t>())},
                            {"seconds", seconds}};
        QSaveFile f(QDir(outDir).filePath("metrics.json"));
        if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(metrics).toJson()) < 0 || !f.commit())
            throw StudioError("Cannot write metrics.json in " + outDir.toStdString() + ".");
        if (store && split == "test")
            store->setTestResult(runId, p.accuracy, p.meanLoss, metrics);
        std::printf("%s split: %lld images, accuracy %.2f%%, loss %.4f, %lld errors (%.2f s)\n", qPrintable(split),
                    static_cast<long long>(p.size()), p.accuracy * 100, p.meanLoss,
                    static_cast<long long>(metrics["errors"].toInteger()), seconds);
        std::printf("wrote %s/predictions.csv and metrics.json\n", qPrintable(outDir));
        return 0;
    });
}

} // namespace studio::cli
