#include "cli/Distributed.h"

#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Training.h"

#include "training/Trainer.h"
#include "util/StudioError.h"

#include <QCoreApplication>

#include <mutex>
#include <thread>

namespace studio::cli {
void addWorldOptions(QCommandLineParser& parser)
{
    parser.addOption({"nproc", "Train on N processes of this machine (data-parallel, c10d Gloo).", "N"});
    parser.addOption({"world-size", "Processes in a data-parallel run spread over several machines.", "W"});
    parser.addOption({"rank",
                      "This process's rank in the run, 0 to W-1; rank 0 hosts the rendezvous and writes "
                      "the run.",
                      "R"});
    parser.addOption({"master",
                      "Where rank 0 listens (HOST:PORT): every rank gives the same. Default 127.0.0.1 and a free port "
                      "with --nproc.",
                      "HOST:PORT"});
    parser.addOption(
        {"timeout", "Seconds to wait for the other processes (rendezvous and each exchange); default 60.", "SECONDS"});
}

WorldSpec worldSpecFrom(const QCommandLineParser& parser)
{
    WorldSpec spec;
    if (parser.isSet("timeout"))
        spec.timeout = std::chrono::seconds(int(wholeNumber(parser, "timeout", 1, 86400)));
    if (parser.isSet("master"))
        parseMaster(parser.value("master").toStdString(), spec);
    if (parser.isSet("nproc")) {
        if (parser.isSet("world-size") || parser.isSet("rank"))
            throw StudioError("--nproc starts every rank on this machine: leave out --world-size and --rank.");
        spec.size = int(wholeNumber(parser, "nproc", 1, 4096));
        return spec;
    }
    if (parser.isSet("world-size") != parser.isSet("rank") || (parser.isSet("world-size") && !parser.isSet("master")))
        throw StudioError("A run over several machines needs --world-size, --rank and --master on every one.");
    if (parser.isSet("world-size")) {
        spec.size = int(wholeNumber(parser, "world-size", 1, 4096));
        spec.rank = int(wholeNumber(parser, "rank", 0, 4096));
        if (spec.rank >= spec.size)
            throw StudioError("--rank " + std::to_string(spec.rank) + " is not in a world of " +
                              std::to_string(spec.size) + " (ranks 0 to " + std::to_string(spec.size - 1) + ").");
    }
    return spec;
}

int threadsPerRank(const QCommandLineParser& parser, int configThreads)
{
    if (configThreads > 0 || !parser.isSet("nproc"))
        return configThreads;
    const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / std::max(1, parser.value("nproc").toInt()));
}

HostedWorld hostWorld(const WorldSpec& spec, bool local, const RunBrief& brief)
{
    HostedWorld hosted;
    hosted.waitMs = int(spec.timeout.count());
    if (spec.size <= 1)
        return hosted;
    if (local) {
        hosted.local = startLocalWorld(QCoreApplication::applicationFilePath(), spec.size, brief, spec.timeout);
    } else {
        std::string payload = toPayload(brief);
        hosted.local.world = World::join(spec, worldFingerprint(brief.config, brief.data), payload);
    }
    std::printf("%d processes: rank 0 on %s, rendezvous at %s:%d\n", spec.size, hosted.world()->hosts()[0].c_str(),
                spec.masterHost.c_str(), hosted.world()->port());
    return hosted;
}

void HostedWorld::finish()
{
    if (!local.ranks)
        return;
    const auto codes = local.ranks->wait(waitMs);
    for (std::size_t i = 0; i < codes.size(); ++i)
        if (codes[i] != 0)
            std::fprintf(stderr, "rank %zu ended with exit code %d\n", i + 1, codes[i]);
}

int runWorkerRank(const WorldSpec& spec, const TrainConfig* config, const Dataset* data, const DataSearch& search,
                  int threads)
{
    std::mutex mutex;
    Trainer* running = nullptr;
    const auto interrupt = stopOnInterrupt([&] {
        std::lock_guard lock(mutex);
        if (running)
            running->stop();
    });
    const auto result = runWorker(spec, config, data, search, threads, [&](Trainer* trainer) {
        std::lock_guard lock(mutex);
        running = trainer;
    });
    const auto& f = result.finished;
    std::printf("rank %d: %s\n", result.rank, nameOf(f.reason).c_str());
    if (f.reason == FinishReason::Error || f.reason == FinishReason::Interrupted)
        std::fprintf(stderr, "error: %s\n", f.message.c_str());
    return exitCodeFor(f.reason);
}

int workerCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addRunDataOption(parser);
    addWorldOptions(parser);
    addRunsOption(parser);
    addSweepWorkerOptions(parser);
    parser.addOption({"threads", "Torch threads of this worker (default: the run's config, rank 0's).", "N"});
    parseOrExit(parser, args,
                "A sweep worker (no world options): claims the next waiting run of a sweep in the run store (--sweep "
                "ID, or any), trains it, evaluates it on the test split, and repeats until none is left; runs of "
                "dead workers are continued from their checkpoints. A rank (--world-size, --rank, --master): joins a "
                "data-parallel run as one of its ranks (not 0) and trains whatever rank 0 runs: its config, its data "
                "(found here by fingerprint) and, when it resumes, its checkpoint.");
    return guarded([&] {
        if (!parser.isSet("rank") && !parser.isSet("world-size") && !parser.isSet("master") && !parser.isSet("nproc"))
            return sweepWorker(parser);
        const auto spec = worldSpecFrom(parser);
        if (spec.rank < 1)
            throw StudioError("worker needs --world-size, --rank (1 or more) and --master.");
        return runWorkerRank(spec, nullptr, nullptr, dataSearch(parser),
                             parser.isSet("threads") ? int(wholeNumber(parser, "threads", 1, 4096)) : 0);
    });
}

} // namespace studio::cli
