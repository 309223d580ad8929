#pragma once
#include "runs/RunStore.h"
#include "training/TrainingEvents.h"

#include <chrono>
#include <functional>

namespace studio {

/// Writes a trainer's events into the run store: batches are buffered and committed with their
/// epoch (one transaction per epoch), the rest on finish; a heartbeat every few seconds tells
/// other hosts the run is held (RunStore::heartbeat). When a write to a server store fails, the
/// recorder reconnects — at once, then with back-off (1, 2, 4 … 30 s) for up to
/// RunStore::retrySeconds() — and writes again: the epoch waits, its checkpoint staged, and is
/// committed when the server is back. A second failure once connected is a real error. Lives on the
/// training thread.
class RunRecorder : public TrainingObserver {
public:
    RunRecorder(RunStore& store, std::int64_t runId, double secondsBefore = 0.0);
    void onBatch(const BatchRecord& e) override;
    void onEpoch(const EpochRecord& e) override;
    /// Records the end; when the store cannot (a full disk), failure() says why and the run stays
    /// "running" in the store until a later open marks it interrupted.
    void onFinished(const FinishedEvent& e) override;
    const std::string& failure() const { return m_failure; }
    /// Writes that failed on a server store and succeeded after reconnecting.
    int retried() const { return m_retried; }

private:
    RunStore& m_store;
    std::int64_t m_runId;
    std::vector<BatchRecord> m_pending;
    int m_bestEpoch = 0;
    double m_bestValAccuracy = 0.0, m_bestValLoss = 0.0;
    double m_seconds;
    std::chrono::steady_clock::time_point m_lastBeat = std::chrono::steady_clock::now();
    std::string m_failure;
    int m_retried = 0;
    /// Runs `write`, retrying a server store as the class says; rethrows the last failure.
    void withRetries(const std::function<void()>& write);
};

} // namespace studio
