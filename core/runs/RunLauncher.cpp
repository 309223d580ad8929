#include "runs/RunLauncher.h"

#include "evaluation/ModelEvaluation.h"
#include "models/ModelRegistry.h"
#include "runs/ResumePoint.h"
#include "runs/DistributedRun.h"
#include "runs/RunData.h"
#include "runs/RunRecorder.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

namespace studio {

RunLauncher::RunLauncher(RunStore& store, const LaunchRequest& request) : m_store(store), m_request(request)
{
    m_resumes = request.resumeId > 0;
    if (m_resumes) {
        auto point = resumePoint(store, request.resumeId, request.claimed);
        if (request.threads > 0)
            point.config.threads = request.threads;
        m_request.config = point.config;
        m_data = runDataset(store, request.resumeId, request.search);
        configureTorchThread(point.config.threads);
        m_trainer = std::make_unique<Trainer>(point.config, *m_data, store.runDir(request.resumeId));
        m_trainer->joinWorld(request.world);
        if (!point.checkpoint.isEmpty()) // else it ended before its first checkpoint and starts over
            m_trainer->resumeFrom(point.checkpoint);
        m_runId = request.resumeId;
        if (!request.claimed)
            store.markResumed(m_runId);
    } else {
        if (!request.data)
            throw StudioError("A new run needs a dataset.");
        m_data = request.data;
        validateConfig(request.config);
        configureTorchThread(request.config.threads);
        m_runId =
            store.createRun(request.config, *m_data, findModel(request.config.model)->parameterCount(), request.study);
        try {
            m_trainer = std::make_unique<Trainer>(request.config, *m_data, store.runDir(m_runId));
            m_trainer->joinWorld(request.world);
        } catch (...) { // e.g. an empty training split: no run was made
            store.deleteRun(m_runId);
            throw;
        }
    }
    m_parameters = findModel(m_request.config.model)->parameterCount();
    if (request.world && request.world->size() > 1)
        store.setRunWorld(m_runId, worldRecord(*request.world));
}

RunLauncher::~RunLauncher() = default;

LaunchResult RunLauncher::run(const std::vector<TrainingObserver*>& observers)
{
    RunRecorder recorder(m_store, m_runId, m_trainer->position().elapsedSeconds);
    m_trainer->addObserver(&recorder);
    for (auto* o : observers)
        m_trainer->addObserver(o);
    LaunchResult result;
    result.finished = m_trainer->run();
    result.storeReconnects = recorder.retried();
    if (!recorder.failure().empty()) {
        auto& f = result.finished;
        f.message += " The run store could not record how the run ended (" + recorder.failure() +
                     "); it will show as interrupted.";
        f.reason = FinishReason::Error;
    }
    if (!m_request.evaluateTest || !endedWell(result.finished.reason))
        return result;
    try {
        const auto loaded = loadModelFromCheckpoint(m_store.checkpoint(m_runId));
        const auto e = evaluateModel(loaded, *m_data, "test", m_request.config.limitTest);
        m_store.setTestResult(m_runId, e.accuracy, e.loss, toJson(e));
        result.evaluated = true;
        result.testAccuracy = e.accuracy;
        result.testLoss = e.loss;
    } catch (const std::exception& e) {
        result.evaluationError = e.what();
    }
    return result;
}

} // namespace studio
