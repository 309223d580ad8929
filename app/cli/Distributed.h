#pragma once
#include "runs/DistributedRun.h"

#include <QCommandLineParser>

#include <memory>

namespace studio::cli {

/// --nproc, --world-size, --rank, --master and --timeout for train and resume.
void addWorldOptions(QCommandLineParser& parser);
/// The world the options describe: one process without them; --nproc N: N local processes, this
/// one rank 0. Throws StudioError for a bad value or combination.
WorldSpec worldSpecFrom(const QCommandLineParser& parser);
/// --nproc N with the config's threads left to the machine: the cores shared out among the ranks.
int threadsPerRank(const QCommandLineParser& parser, int configThreads);

/// Rank 0's side of a data-parallel run: the joined world and the local ranks it started.
struct HostedWorld {
    LocalWorld local;
    int waitMs = 60000;
    World* world() const { return local.world.get(); }
    /// After training: waits for the local ranks and says which failed (stderr).
    void finish();
};
/// Joins as rank 0 for `brief` (a world of one: nothing), starting the other ranks as `worker`
/// processes with --nproc. Throws StudioError when the rendezvous fails.
HostedWorld hostWorld(const WorldSpec& spec, bool local, const RunBrief& brief);

/// A worker rank (--rank > 0): trains its replica of rank 0's run (Ctrl-C votes to stop every rank at
/// the same step) and prints how it ended; the exit code.
int runWorkerRank(const WorldSpec& spec, const TrainConfig* config, const Dataset* data, const DataSearch& search,
                  int threads = 0);

/// `worker --world-size W --rank R --master HOST:PORT [--data DIR] [--threads N]`: a rank that
/// trains whatever rank 0 runs (what --nproc and the window start).
int workerCommand(const QStringList& args);

} // namespace studio::cli
