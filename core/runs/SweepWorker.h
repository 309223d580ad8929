#pragma once
#include "data/DatasetSearch.h"
#include "runs/RunLauncher.h"

#include <atomic>
#include <mutex>

namespace studio {

/// Told what a SweepWorker does, on the worker's thread.
class SweepWorkerListener {
public:
    virtual ~SweepWorkerListener() = default;
    /// Run `launcher.runId()` is about to train (or continue); returns observers of its training.
    virtual std::vector<TrainingObserver*> launching(RunLauncher& launcher) = 0;
    /// The run ended (trained, stopped or failed in training) and was scored on the test split when it ended well.
    virtual void finished(std::int64_t runId, const LaunchResult& result) = 0;
    /// The run could not start (its data not found here, an unreadable checkpoint): now "error".
    virtual void failed(std::int64_t runId, const std::string& message) = 0;
};

struct SweepWorkerOptions {
    std::int64_t sweep = 0; ///< 0: any active sweep
    int maxRuns = 0;        ///< runs to take before returning (0: until none is left)
    DataSearch search;      ///< where the runs' data is looked for
    int threads = 0;        ///< torch threads per run (0: the run's config)
};

struct SweepWorkerOutcome {
    int taken = 0;  ///< runs claimed
    int failed = 0; ///< of which could not start or ended in an error
    bool stopped = false;
};

/// A sweep worker: claims the next waiting run of a sweep (RunStore::claimSweepRun — interrupted
/// runs of dead workers first, then queued ones), trains it through RunLauncher, scores it on the
/// test split, and repeats until no run is left, maxRuns were taken, or stop(). Any number of
/// workers, in any processes on any hosts sharing the store, work on one sweep; each run is trained
/// by one of them at a time. Lives on the store's thread; stop() may be called from any.
class SweepWorker {
public:
    SweepWorker(RunStore& store, SweepWorkerOptions options);
    SweepWorkerOutcome run(SweepWorkerListener& listener);
    /// Stops the run in training after its current batch (it stays resumable: another worker or
    /// a later one continues it) and takes no more.
    void stop();

private:
    RunStore& m_store;
    SweepWorkerOptions m_options;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    Trainer* m_training = nullptr; ///< the run in training, under m_mutex
};

} // namespace studio
