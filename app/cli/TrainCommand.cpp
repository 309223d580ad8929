// train and resume: wire a Trainer to the run store, a progress printer and Ctrl-C.
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Interrupts.h"
#include "cli/ProgressPrinter.h"
#include "cli/Training.h"

#include "models/ModelRegistry.h"
#include "runs/ResumePoint.h"
#include "runs/RunData.h"
#include "runs/RunRecorder.h"
#include "runs/RunStore.h"
#include "training/Trainer.h"
#include "util/StudioError.h"

namespace studio::cli {

int exitCodeFor(FinishReason r)
{
    return endedWell(r) ? 0 : r == FinishReason::StoppedByUser ? 130 : 1;
}

FinishedEvent runTraining(Trainer& trainer, RunStore& store, std::int64_t runId)
{
    RunRecorder recorder(store, runId, trainer.position().elapsedSeconds);
    ProgressPrinter printer(stdoutIsTerminal(), trainer.config().numEpochs, trainer.position().step);
    trainer.addObserver(&recorder);
    trainer.addObserver(&printer);
    FinishedEvent result;
    {
        InterruptScope interrupt([&] { trainer.stop(); });
        result = trainer.run();
    }
    std::printf("run %lld: %s (best epoch %d, val acc %.2f%%) in %s\n", static_cast<long long>(runId),
                nameOf(result.reason).c_str(), result.bestEpoch, result.bestValAccuracy * 100,
                qPrintable(store.runDir(runId)));
    if (result.reason == FinishReason::Error)
        std::fprintf(stderr, "error: %s\n", result.message.c_str());
    return result;
}

int trainCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addDataOption(parser);
    addRunsOption(parser);
    addConfigOptions(parser);
    parser.addOption({"save-config", "Also write the effective config to FILE.", "FILE"});
    parseOrExit(parser, args, "Train a model and record the run in the run store.");
    return guarded([&] {
        const auto config = configFromOptions(parser);
        const auto dataset = loadDatasetFor(parser);
        if (parser.isSet("save-config"))
            saveConfigFile(parser.value("save-config"), config);
        RunStore store(runsFolder(parser));
        const auto params = findModel(config.model)->parameterCount();
        const auto runId = store.createRun(config, dataset, params);
        Trainer trainer(config, dataset, store.runDir(runId));
        std::printf("run %lld: %s (%lld parameters) on %s (%s): %lld train / %lld validation images, %lld "
                    "batches/epoch\n",
                    static_cast<long long>(runId), config.model.c_str(), static_cast<long long>(params),
                    dataset.name.c_str(), dataset.shortFingerprint().c_str(),
                    static_cast<long long>(trainer.trainingSize()), static_cast<long long>(trainer.validationSize()),
                    static_cast<long long>(trainer.batchesPerEpoch()));
        return exitCodeFor(runTraining(trainer, store, runId).reason);
    });
}

int resumeCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addRunDataOption(parser);
    addRunsOption(parser);
    parser.addOption({"run", "The run to continue (see `runs list`).", "ID"});
    parseOrExit(parser, args, "Continue a stopped, interrupted or failed run from its latest checkpoint.");
    return guarded([&] {
        if (!parser.isSet("run"))
            throw StudioError("resume needs --run ID.");
        const auto runId = parseRunId(parser.value("run"));
        RunStore store(runsFolder(parser));
        const auto point = resumePoint(store, runId);
        const auto dataset = runDataset(store, runId, dataSearch(parser));
        Trainer trainer(point.config, *dataset, store.runDir(runId));
        trainer.resumeFrom(point.checkpoint);
        store.markResumed(runId);
        std::printf("run %lld: resuming %s at epoch %d, batch %lld on %s\n", static_cast<long long>(runId),
                    point.config.model.c_str(), point.epoch + 1, static_cast<long long>(point.batch),
                    dataset->describe().c_str());
        return exitCodeFor(runTraining(trainer, store, runId).reason);
    });
}

} // namespace studio::cli
