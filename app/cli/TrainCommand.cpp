// train and resume: wire a Trainer to the run store, a progress printer and Ctrl-C.
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Distributed.h"
#include "cli/ProgressPrinter.h"
#include "cli/Training.h"

#include "runs/ResumePoint.h"
#include "runs/RunData.h"
#include "util/StudioError.h"

#include <cmath>

namespace studio::cli {

int exitCodeFor(FinishReason r)
{
    return endedWell(r) ? 0 : r == FinishReason::StoppedByUser ? 130 : 1;
}

LaunchResult runTraining(RunLauncher& launcher)
{
    auto& trainer = launcher.trainer();
    ProgressPrinter printer(stdoutIsTerminal(), trainer);
    LaunchResult result;
    {
        const auto interrupt = stopOnInterrupt([&] { trainer.stop(); });
        result = launcher.run({&printer});
    }
    printOutcome(launcher.runId(), launcher.runDir(), result);
    return result;
}

InterruptScope stopOnInterrupt(std::function<void()> stop)
{
    return InterruptScope([stop = std::move(stop)] {
        std::fputs("\ninterrupt: stopping after the current batch and saving a resumable checkpoint…\n", stderr);
        stop();
    });
}

void printOutcome(std::int64_t runId, const QString& runDir, const LaunchResult& result)
{
    const auto& f = result.finished;
    if (f.bestEpoch > 0 && std::isfinite(f.bestValAccuracy))
        std::printf("run %lld: %s (best epoch %d, val acc %.2f%%) in %s\n", static_cast<long long>(runId),
                    nameOf(f.reason).c_str(), f.bestEpoch, f.bestValAccuracy * 100, qPrintable(runDir));
    else if (f.epochsCompleted == 0)
        std::printf("run %lld: %s (no epoch finished) in %s\n", static_cast<long long>(runId), nameOf(f.reason).c_str(),
                    qPrintable(runDir));
    else // no validation split: nothing to call best
        std::printf("run %lld: %s (%d epochs, no validation) in %s\n", static_cast<long long>(runId),
                    nameOf(f.reason).c_str(), f.epochsCompleted, qPrintable(runDir));
    if (f.reason == FinishReason::Error || f.reason == FinishReason::Interrupted)
        std::fprintf(stderr, "error: %s\n", f.message.c_str());
    if (result.storeReconnects > 0)
        std::printf("run %lld: the run store was out of reach %d times; every record was written after reconnecting\n",
                    static_cast<long long>(runId), result.storeReconnects);
    if (result.evaluated)
        std::printf("test accuracy %.2f%%\n", result.testAccuracy * 100);
    if (!result.evaluationError.empty())
        std::fprintf(stderr, "error: the test evaluation failed: %s\n", result.evaluationError.c_str());
}

int trainCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addDataOption(parser);
    addRunsOption(parser);
    addConfigOptions(parser);
    parser.addOption({"save-config", "Also write the effective config to FILE.", "FILE"});
    parser.addOption({"evaluate",
                      "When training ends well, score the best checkpoint on the test split and store the result "
                      "(what `evaluate --run ID` stores, without its files)."});
    addWorldOptions(parser);
    parseOrExit(parser, args, "Train a model and record the run in the run store.");
    return guarded([&] {
        const auto spec = worldSpecFrom(parser);
        auto config = configFromOptions(parser);
        config.threads = threadsPerRank(parser, config.threads);
        const auto dataset = std::make_shared<const Dataset>(loadDatasetFor(parser));
        if (spec.rank > 0)
            return runWorkerRank(spec, &config, dataset.get(), dataSearch(parser));
        if (parser.isSet("save-config"))
            saveConfigFile(parser.value("save-config"), config);
        RunStore store(runsFolder(parser));
        auto hosted = hostWorld(spec, parser.isSet("nproc"), {config, *dataset, false});
        LaunchRequest request;
        request.config = config;
        request.data = dataset;
        request.world = hosted.world();
        request.evaluateTest = parser.isSet("evaluate");
        RunLauncher launcher(store, request);
        const auto& trainer = launcher.trainer();
        std::printf("run %lld: %s (%lld parameters) on %s (%s): %lld train / %lld validation images, %lld "
                    "batches/epoch\n",
                    static_cast<long long>(launcher.runId()), config.model.c_str(),
                    static_cast<long long>(launcher.parameters()), dataset->name.c_str(),
                    dataset->shortFingerprint().c_str(), static_cast<long long>(trainer.trainingSize()),
                    static_cast<long long>(trainer.validationSize()),
                    static_cast<long long>(trainer.batchesPerEpoch()));
        const auto code = exitCodeFor(runTraining(launcher).finished.reason);
        hosted.finish();
        return code;
    });
}

int resumeCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addRunDataOption(parser);
    addRunsOption(parser);
    parser.addOption({"run", "The run to continue (see `runs list`).", "ID"});
    addWorldOptions(parser);
    parseOrExit(parser, args,
                "Continue a stopped, interrupted or failed run from its latest checkpoint. The other ranks of a "
                "run over several machines give no --run: they take rank 0's.");
    return guarded([&] {
        const auto spec = worldSpecFrom(parser);
        if (spec.rank > 0) // another machine's rank of a resumed run
            return runWorkerRank(spec, nullptr, nullptr, dataSearch(parser));
        if (!parser.isSet("run"))
            throw StudioError("resume needs --run ID.");
        const auto runId = parseRunId(parser.value("run"));
        RunStore store(runsFolder(parser));
        LaunchRequest request;
        request.resumeId = runId;
        request.search = dataSearch(parser);
        HostedWorld hosted;
        if (spec.size > 1) { // the run's config and data first: the other ranks take them at rendezvous
            auto config = resumePoint(store, runId).config;
            config.threads = threadsPerRank(parser, config.threads);
            const auto data = runDataset(store, runId, request.search);
            request.search.loaded.push_back(data);
            hosted = hostWorld(spec, parser.isSet("nproc"), {config, *data, true});
            request.world = hosted.world();
            request.threads = config.threads;
        }
        RunLauncher launcher(store, request);
        const auto& position = launcher.trainer().position();
        std::printf("run %lld: resuming %s at epoch %d, batch %lld on %s\n", static_cast<long long>(runId),
                    launcher.trainer().config().model.c_str(), position.epoch + 1,
                    static_cast<long long>(position.batch), launcher.data().describe().c_str());
        const auto code = exitCodeFor(runTraining(launcher).finished.reason);
        hosted.finish();
        return code;
    });
}

} // namespace studio::cli
