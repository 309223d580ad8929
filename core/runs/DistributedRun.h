#pragma once
#include "data/DatasetSearch.h"
#include "distributed/World.h"
#include "training/TrainingEvents.h"
#include "training/TrainConfig.h"

#include <QJsonObject>
#include <QProcess>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace studio {

class Trainer;

/// What every rank of a data-parallel run must agree on, compared at rendezvous: the config
/// (but its thread count, a per-host choice) and the data's fingerprint.
std::string worldFingerprint(const TrainConfig& config, const DatasetInfo& data);

/// What rank 0 tells the workers at rendezvous: the run's config and data, and whether it resumes
/// (then the checkpoint follows as bytes).
struct RunBrief {
    TrainConfig config;
    DatasetInfo data;
    bool resumes = false;
};
std::string toPayload(const RunBrief& brief);
RunBrief briefFromPayload(const std::string& payload);

/// {"world_size": W, "hosts": [...]}: what a run records of the processes that trained it.
QJsonObject worldRecord(const World& world);

/// A worker rank (1…W-1): joins rank 0's run and trains its replica; rank 0 writes everything.
/// Its own config, when given, must be rank 0's (compared at rendezvous); without one it takes rank
/// 0's and finds the run's data through `search`. `threads` > 0 sets its torch threads (else its
/// config's). `running` hears of the trainer before it trains and (nullptr) after, to stop it from
/// another thread. Throws StudioError when the rendezvous fails.
struct WorkerResult {
    FinishedEvent finished;
    int rank = 0;
};
WorkerResult runWorker(const WorldSpec& spec, const TrainConfig* ownConfig, const Dataset* ownData,
                       const DataSearch& search, int threads = 0, const std::function<void(Trainer*)>& running = {});

/// The other ranks of a run on this machine: `program` started W-1 times with `arguments` plus
/// --world-size, --rank and --master 127.0.0.1:PORT (their output goes to this process's).
class LocalRanks {
public:
    LocalRanks(QString program, QStringList arguments);
    ~LocalRanks(); ///< kills ranks still running
    void start(int worldSize, int port);
    /// Why the run cannot go on before it began: a rank that could not start or already ended ("" if
    /// none).
    std::string failure();
    /// Waits for every rank to end (at most `timeoutMs`, then kills it); their exit codes.
    std::vector<int> wait(int timeoutMs);

private:
    QString m_program;
    QStringList m_arguments;
    std::vector<std::unique_ptr<QProcess>> m_processes;
};

/// Rank 0 of a run over `processes` processes of this machine, joined: the others are `cli worker`
/// processes (threads each, the brief's data folder to look in) on a free loopback port.
struct LocalWorld {
    std::unique_ptr<LocalRanks> ranks;
    std::unique_ptr<World> world;
};
/// `stopped()` true gives up the rendezvous (the window's Stop).
LocalWorld startLocalWorld(const QString& cli, int processes, const RunBrief& brief, std::chrono::milliseconds timeout,
                           const std::function<bool()>& stopped = {});

} // namespace studio
