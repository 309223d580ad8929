#include "runs/RunRecorder.h"

#include <thread>

namespace studio {

RunRecorder::RunRecorder(RunStore& store, std::int64_t runId, double secondsBefore)
    : m_store(store), m_runId(runId), m_seconds(secondsBefore)
{
    if (const auto r = store.run(runId)) {
        m_bestEpoch = r->bestEpoch;
        m_bestValAccuracy = r->bestValAccuracy;
        m_bestValLoss = r->bestValLoss;
    }
}

void RunRecorder::onBatch(const BatchRecord& e)
{
    m_pending.push_back(e);
    const auto now = std::chrono::steady_clock::now();
    if (now - m_lastBeat < std::chrono::seconds(5))
        return;
    m_lastBeat = now;
    try {
        m_store.heartbeat(m_runId);
    } catch (const std::exception&) { // a missed beat: the epoch's commit will tell of a store that is gone
    }
}

void RunRecorder::onEpoch(const EpochRecord& e)
{
    if (e.isBest) {
        m_bestEpoch = e.epoch;
        m_bestValAccuracy = e.valAccuracy;
        m_bestValLoss = e.valLoss;
    }
    m_seconds += e.seconds;
    withRetries(
        [&] { m_store.recordEpoch(m_runId, e, m_pending, m_bestEpoch, m_bestValAccuracy, m_bestValLoss, m_seconds); });
    m_pending.clear();
}

void RunRecorder::onFinished(const FinishedEvent& e)
{
    try {
        withRetries([&] {
            m_store.recordBatches(m_runId, m_pending);
            m_store.finishRun(m_runId, QString::fromStdString(nameOf(e.reason)), QString::fromStdString(e.message),
                              e.seconds);
        });
    } catch (const std::exception& error) { // e.g. a full disk: the run's end is told, not hidden
        m_failure = error.what();
    }
    m_pending.clear();
}

void RunRecorder::withRetries(const std::function<void()>& write)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(RunStore::retrySeconds());
    bool reconnected = false;
    for (;;) {
        try {
            write();
            m_retried += reconnected;
            return;
        } catch (const std::exception&) {
            // A SQLite store, or a server that answers and still refuses: not a lost connection.
            if (!m_store.onServer() || reconnected)
                throw;
            auto wait = std::chrono::seconds(1);
            while (!m_store.reconnect()) {
                if (std::chrono::steady_clock::now() + wait > deadline)
                    throw;
                std::this_thread::sleep_for(wait);
                wait = std::min(wait * 2, std::chrono::seconds(30));
            }
            reconnected = true;
        }
    }
}

} // namespace studio
