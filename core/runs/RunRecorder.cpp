#include "runs/RunRecorder.h"

#include "util/StudioError.h"

#include <thread>

namespace studio {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kBeat = std::chrono::seconds(5);

} // namespace

RunRecorder::RunRecorder(RunStore& store, std::int64_t runId, double secondsBefore)
    : m_store(store), m_runId(runId), m_seconds(secondsBefore)
{
    if (const auto r = store.run(runId)) {
        m_bestEpoch = r->bestEpoch;
        m_bestValAccuracy = r->bestValAccuracy;
        m_bestValLoss = r->bestValLoss;
        m_pid = r->pid;
        m_host = r->host;
    }
}

void RunRecorder::onBatch(const BatchRecord& e)
{
    m_pending.push_back(e);
    const auto now = Clock::now();
    if (now - m_lastBeat < kBeat)
        return;
    m_lastBeat = now;
    beat();
}

void RunRecorder::onPaused()
{
    beat();
}

void RunRecorder::beat()
{
    try {
        if (m_unsent.empty())
            m_store.heartbeat(m_runId);
        else if (!m_takenOver)
            flush();                  // the store was away: perhaps it is back
    } catch (const std::exception&) { // the epoch's end tells of a store that is gone or a run taken over
    }
}

void RunRecorder::onEpoch(const EpochRecord& e)
{
    if (e.isBest) {
        m_bestEpoch = e.epoch;
        m_bestValAccuracy = e.keptValAccuracy();
        m_bestValLoss = e.keptValLoss();
    }
    m_seconds += e.seconds;
    if (!m_store.onServer()) { // one file on this machine: a failure is real (a full disk)
        m_store.recordEpoch(m_runId, e, m_pending, m_bestEpoch, m_bestValAccuracy, m_bestValLoss, m_seconds);
        m_pending.clear();
        return;
    }
    m_unsent.push_back({e, std::move(m_pending), m_bestEpoch, m_bestValAccuracy, m_bestValLoss, m_seconds});
    m_pending.clear();
    if (flush())
        return;
    const auto away = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - *m_awaySince).count();
    if (away <= RunStore::retrySeconds())
        return;
    m_gaveUp = true;
    throw StudioError("The run store at " + m_store.location().toStdString() + " has been out of reach for " +
                      std::to_string(away) + " s; the run stops at its last recorded epoch (" +
                      std::to_string(m_unsent.front().epoch.epoch - 1) + ") and can be continued from there.");
}

bool RunRecorder::flush()
{
    bool reconnected = false;
    for (;;) {
        try {
            if (m_awaySince || reconnected)
                checkStillHeld();
            while (!m_unsent.empty()) {
                const auto& u = m_unsent.front();
                m_store.recordEpoch(m_runId, u.epoch, u.batches, u.bestEpoch, u.bestValAccuracy, u.bestValLoss,
                                    u.seconds);
                m_unsent.pop_front();
            }
            if (m_awaySince || reconnected)
                ++m_retried;
            m_awaySince.reset();
            return true;
        } catch (const std::exception&) {
            if (m_takenOver || reconnected) // connected and still refused: a real error
                throw;
            if (!m_store.reconnect()) {
                if (!m_awaySince)
                    m_awaySince = Clock::now();
                return false;
            }
            reconnected = true;
        }
    }
}

void RunRecorder::checkStillHeld()
{
    const auto r = m_store.run(m_runId);
    if (r && r->status == "running" && r->pid == m_pid && r->host == m_host)
        return;
    m_takenOver = true;
    throw StudioError("Run " + std::to_string(m_runId) + " was taken over while the run store was out of reach" +
                      (r ? " (now " + r->status.toStdString() + ", process " + std::to_string(r->pid) + " on " +
                               r->host.toStdString() + ")"
                         : std::string()) +
                      "; this process stops training it and records nothing more.");
}

void RunRecorder::onFinished(const FinishedEvent& e)
{
    if (m_takenOver) {
        m_failure = "the run was taken over by another worker";
        return;
    }
    const auto write = [&] {
        if (!flush())
            throw StudioError("The run store at " + m_store.location().toStdString() + " is out of reach.");
        m_store.recordBatches(m_runId, m_pending);
        m_store.finishRun(m_runId, QString::fromStdString(nameOf(e.reason)), QString::fromStdString(e.message),
                          e.seconds);
    };
    try {
        if (m_gaveUp)
            write(); // waited long enough already
        else
            withRetries(write);
    } catch (const std::exception& error) { // e.g. a full disk: the run's end is told, not hidden
        m_failure = error.what();
    }
    m_pending.clear();
}

void RunRecorder::withRetries(const std::function<void()>& write)
{
    const auto deadline = Clock::now() + std::chrono::seconds(RunStore::retrySeconds());
    bool reconnected = false;
    for (;;) {
        try {
            write();
            m_retried += reconnected;
            return;
        } catch (const std::exception&) {
            // A SQLite store, a server that answers and still refuses, a run taken over: not a lost connection.
            if (!m_store.onServer() || reconnected || m_takenOver)
                throw;
            auto wait = std::chrono::seconds(1);
            while (!m_store.reconnect()) {
                if (Clock::now() + wait > deadline)
                    throw;
                std::this_thread::sleep_for(wait);
                wait = std::min(wait * 2, std::chrono::seconds(30));
            }
            reconnected = true;
        }
    }
}

} // namespace studio
