#pragma once
#include "runs/RunStore.h"
#include "training/TrainingEvents.h"

#include <chrono>
#include <deque>
#include <functional>
#include <optional>

namespace studio {

/// Writes a trainer's events into the run store: batches are buffered and committed with their
/// epoch (one transaction per epoch), the rest on finish; a heartbeat every few seconds tells
/// other hosts the run is held (RunStore::heartbeat).
///
/// A server store that goes out of reach does not stop training: the epochs are kept in memory,
/// in order, with their checkpoints left staged (holdsCheckpoints), and every few seconds and at
/// each epoch end the recorder reconnects and writes them; once they are in, the checkpoints move
/// into place. Should the process die meanwhile, the staged checkpoints are dropped when the run
/// is next opened, and it continues from its last recorded epoch: records and checkpoints always
/// agree. Out of reach for longer than RunStore::retrySeconds() ends the run; so does finding,
/// once back, that another worker took the run over meanwhile (it then writes nothing more). A
/// server that answers and still refuses, or any SQLite failure (a full disk), is a real error.
/// Lives on the training thread.
class RunRecorder : public TrainingObserver {
public:
    RunRecorder(RunStore& store, std::int64_t runId, double secondsBefore = 0.0);
    void onBatch(const BatchRecord& e) override;
    void onEpoch(const EpochRecord& e) override;
    /// Records the end (waiting with back-off for a server out of reach); when the store cannot
    /// (a full disk), failure() says why and the run stays "running" in the store until a later
    /// open marks it interrupted.
    void onFinished(const FinishedEvent& e) override;
    /// A paused run is still held: the heartbeat goes on.
    void onPaused() override;
    bool holdsCheckpoints() const override { return !m_unsent.empty() || m_takenOver; }
    const std::string& failure() const { return m_failure; }
    /// Times the server store was out of reach and the records were written after reconnecting.
    int retried() const { return m_retried; }

private:
    /// An epoch's records, kept until the store takes them.
    struct Unsent {
        EpochRecord epoch;
        std::vector<BatchRecord> batches;
        int bestEpoch;
        double bestValAccuracy, bestValLoss, seconds;
    };
    /// Writes the unsent epochs; false when the server is out of reach (they stay). Throws for a
    /// real error or a run taken over.
    bool flush();
    /// The heartbeat, or while the store is away a try at writing what waits; never throws.
    void beat();
    /// Throws when the run is no longer this recorder's (another worker took it while away).
    void checkStillHeld();
    /// Runs `write`, reconnecting with back-off for up to RunStore::retrySeconds(); rethrows the last failure.
    void withRetries(const std::function<void()>& write);

    RunStore& m_store;
    std::int64_t m_runId;
    qint64 m_pid = 0;
    QString m_host;
    std::vector<BatchRecord> m_pending;
    std::deque<Unsent> m_unsent;
    std::optional<std::chrono::steady_clock::time_point> m_awaySince;
    bool m_takenOver = false;
    bool m_gaveUp = false; ///< out of reach for too long: the end is tried once, not waited for
    int m_bestEpoch = 0;
    double m_bestValAccuracy = 0.0, m_bestValLoss = 0.0;
    double m_seconds;
    std::chrono::steady_clock::time_point m_lastBeat = std::chrono::steady_clock::now();
    std::string m_failure;
    int m_retried = 0;
};

} // namespace studio
