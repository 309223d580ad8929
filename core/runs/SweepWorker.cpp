#include "runs/SweepWorker.h"

#include "util/PlainMessage.h"

#include <algorithm>

namespace studio {

SweepWorker::SweepWorker(RunStore& store, SweepWorkerOptions options) : m_store(store), m_options(std::move(options)) {}

void SweepWorker::stop()
{
    m_stop = true;
    std::lock_guard lock(m_mutex);
    if (m_training)
        m_training->stop();
}

SweepWorkerOutcome SweepWorker::run(SweepWorkerListener& listener)
{
    SweepWorkerOutcome outcome;
    while (!m_stop && (m_options.maxRuns <= 0 || outcome.taken < m_options.maxRuns)) {
        m_store.markInterruptedRuns(); // dead workers' runs become claimable
        const auto id = m_store.claimSweepRun(m_options.sweep);
        if (id == 0)
            break;
        ++outcome.taken;
        LaunchRequest request;
        request.resumeId = id;
        request.claimed = true;
        request.search = m_options.search;
        request.evaluateTest = true;
        request.threads = m_options.threads;
        std::unique_ptr<RunLauncher> launcher;
        try {
            launcher = std::make_unique<RunLauncher>(m_store, request);
        } catch (const std::exception& e) {
            const auto message = plainMessage(e);
            ++outcome.failed;
            try {
                m_store.finishRun(id, "error", QString::fromStdString(message), 0);
            } catch (const std::exception&) { // the store is gone: the run's heartbeat stops, another worker sees it
            }
            listener.failed(id, message);
            continue;
        }
        // Later runs of the same data do not load it again.
        auto& loaded = m_options.search.loaded;
        const auto data = launcher->dataShared();
        if (std::find(loaded.begin(), loaded.end(), data) == loaded.end())
            loaded.push_back(data);
        {
            std::lock_guard lock(m_mutex);
            m_training = &launcher->trainer();
            if (m_stop)
                m_training->stop();
        }
        const auto result = launcher->run(listener.launching(*launcher));
        {
            std::lock_guard lock(m_mutex);
            m_training = nullptr;
        }
        if (result.finished.reason == FinishReason::Error)
            ++outcome.failed;
        listener.finished(id, result);
    }
    outcome.stopped = m_stop;
    return outcome;
}

} // namespace studio
