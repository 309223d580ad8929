#pragma once
#include "data/DatasetSearch.h"
#include "distributed/World.h"
#include "runs/RunStore.h"
#include "training/Trainer.h"

#include <memory>
#include <vector>

namespace studio {

/// What to launch: a new run of `config` on `data` (filed under `study` when it belongs to one),
/// or, with `resumeId` > 0, the continuation of a stopped, interrupted or failed run on the data it
/// was trained on, found through `search`.
struct LaunchRequest {
    TrainConfig config{};
    std::shared_ptr<const Dataset> data{};
    std::int64_t resumeId = 0;
    DataSearch search{};
    QString study{};
    /// After a run that ended well: score its best checkpoint on the test split (the first
    /// limit_test images) and store the result with the run.
    bool evaluateTest = false;
    /// Rank 0 of a data-parallel run (joined; runWorker trains the other ranks): the trainer is that
    /// world's master and the run records the world.
    World* world = nullptr;
    /// The run `resumeId` is held by this process already (a sweep worker claimed it): a queued run
    /// starts, an interrupted one continues.
    bool claimed = false;
    /// A resumed run's torch threads for this session (0: the run's own).
    int threads = 0;
};

/// How a launched run ended.
struct LaunchResult {
    FinishedEvent finished;
    bool evaluated = false; ///< the test split was scored (evaluateTest and the run ended well)
    double testAccuracy = -1, testLoss = -1;
    std::string evaluationError; ///< why the asked-for evaluation could not be made
    int storeReconnects = 0;     ///< records written only after reconnecting to a server store
};

/// The one place that runs a run, for every front end — `train`, `resume`, `ablate`, the Train
/// page, the Runs page's Resume, studies: creates the run in the store (or reopens it), builds
/// the trainer on the run's data, trains with the store's recorder attached, evaluates on the test
/// split when asked, and leaves the run finished in the store. Lives on one thread (the store's):
/// only trainer().pause()/resume()/stop() may be called from others.
class RunLauncher {
public:
    /// Sets this thread's torch threads from the config, builds the trainer and creates the run
    /// (or loads the run's checkpoint and marks it resumed). Throws StudioError — invalid config,
    /// data not found, nothing to resume, unreadable checkpoint — with the store unchanged.
    RunLauncher(RunStore& store, const LaunchRequest& request);
    ~RunLauncher();
    RunLauncher(const RunLauncher&) = delete;
    RunLauncher& operator=(const RunLauncher&) = delete;

    std::int64_t runId() const { return m_runId; }
    bool resumes() const { return m_resumes; }
    const Dataset& data() const { return *m_data; }
    std::shared_ptr<const Dataset> dataShared() const { return m_data; }
    std::int64_t parameters() const { return m_parameters; }
    Trainer& trainer() { return *m_trainer; }
    QString runDir() const { return m_store.runDir(m_runId); }

    /// Trains to the end, a stop or an error (never throws: an error ends the run as "error"),
    /// telling `observers` as it goes, then evaluates when asked.
    LaunchResult run(const std::vector<TrainingObserver*>& observers = {});

private:
    RunStore& m_store;
    LaunchRequest m_request;
    std::shared_ptr<const Dataset> m_data;
    std::unique_ptr<Trainer> m_trainer;
    std::int64_t m_runId = 0;
    std::int64_t m_parameters = 0;
    bool m_resumes = false;
};

} // namespace studio
