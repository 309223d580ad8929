#include "TrainingSession.h"

#include "util/Allocator.h"
#include "util/PlainMessage.h"
#include "runs/DistributedRun.h"
#include "runs/RunLauncher.h"
#include "runs/StudyRunner.h"

#include <QCoreApplication>
#include <QThread>

namespace studio::ui {

/// Turns trainer events (training thread) into the session's signals; the session lives on the
/// UI thread, so every connection to it or its listeners is queued.
class TrainingSession::SignalBridge : public TrainingObserver {
public:
    SignalBridge(TrainingSession* session, std::int64_t startStep) : m_session(session), m_lastStep(startStep) {}

    void onBatch(const BatchRecord& e) override
    {
        m_lastStep = e.step + 1;
        Q_EMIT m_session->batchDone(e);
    }
    void onEpoch(const EpochRecord& e) override { Q_EMIT m_session->epochDone(e); }
    void onCheckpoint(const CheckpointEvent& e) override
    {
        Q_EMIT m_session->checkpointSaved(QString::fromStdString(e.path), QString::fromStdString(e.kind), e.epoch);
    }
    /// The run's end, once the launcher is done with it (the test evaluation included).
    void finished(const LaunchResult& r)
    {
        const auto& e = r.finished;
        Q_EMIT m_session->runFinished(RunFinished{
            e.reason, QString::fromStdString(e.message), e.epochsCompleted, e.bestEpoch, e.bestValAccuracy, m_lastStep,
            e.seconds, r.evaluated ? r.testAccuracy : -1.0, QString::fromStdString(r.evaluationError)});
    }

private:
    TrainingSession* m_session;
    std::int64_t m_lastStep;
};

TrainingSession::TrainingSession(const QString& runsFolder, QObject* parent)
    : QObject(parent), m_runsFolder(runsFolder),
      m_workerProgram(qEnvironmentVariableIsSet("MNIST_STUDIO_CLI")
                          ? qEnvironmentVariable("MNIST_STUDIO_CLI")
                          : QCoreApplication::applicationDirPath() + "/mnist-studio-cli")
{
    qRegisterMetaType<RunStarted>();
    qRegisterMetaType<BatchRecord>();
    qRegisterMetaType<EpochRecord>();
    qRegisterMetaType<RunFinished>();
    qRegisterMetaType<std::vector<AblationRow>>();
    connect(this, &TrainingSession::runStarted, this, [this](const RunStarted& run) { m_runId = run.runId; });
}

TrainingSession::~TrainingSession()
{
    stopAndWait();
}

bool TrainingSession::start(const TrainConfig& config, std::shared_ptr<const Dataset> dataset, const QString& study,
                            bool evaluateTest, int processes)
{
    if (isActive() || !dataset)
        return false;
    LaunchRequest request;
    request.config = config;
    request.data = std::move(dataset);
    request.study = study;
    request.evaluateTest = evaluateTest;
    launch([this, request, processes] { work(request, processes); }, 0);
    return true;
}

bool TrainingSession::resumeRun(qint64 runId, const DataSearch& search)
{
    if (isActive() || runId <= 0)
        return false;
    LaunchRequest request;
    request.resumeId = runId;
    request.search = search;
    launch([this, request] { work(request); }, runId);
    return true;
}

bool TrainingSession::startStudy(const AblationStudy& study, const QString& name,
                                 std::shared_ptr<const Dataset> dataset)
{
    if (isActive() || !dataset || study.variants.empty())
        return false;
    launch([this, study, name, dataset] { workStudy(study, name, dataset); }, 0);
    return true;
}

void TrainingSession::launch(std::function<void()> job, qint64 runId)
{
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested = false;
        m_pauseRequested = false;
    }
    m_runId = runId;
    m_thread = QThread::create([job = std::move(job)] {
        job();
        returnFreedMemory(); // the run's maps, kept by the heap while it trained
    });
    m_thread->setObjectName(QStringLiteral("training"));
    connect(m_thread, &QThread::finished, this, [this, thread = m_thread] {
        if (thread == m_thread)
            onThreadFinished();
    });
    setState(State::Running);
    m_thread->start();
}

void TrainingSession::attach(RunLauncher& launcher)
{
    auto& trainer = launcher.trainer();
    const auto& config = trainer.config();
    const auto& position = trainer.position();
    const auto& data = launcher.data();
    QStringList classes;
    for (int k = 0; k < data.numClasses; ++k)
        classes << QString::fromStdString(data.className(k));
    Q_EMIT runStarted(RunStarted{launcher.runId(), launcher.runDir(), QString::fromStdString(config.model),
                                 QString::fromStdString(data.name + " " + data.shortFingerprint()), config,
                                 trainer.batchesPerEpoch(), config.batchSize, config.numEpochs, position.step,
                                 position.elapsedSeconds, trainer.trainingSize(), trainer.validationSize(),
                                 launcher.parameters(), trainer.worldSize(), classes});
    std::lock_guard lock(m_mutex);
    m_trainer = &trainer;
    if (m_pauseRequested)
        trainer.pause();
    if (m_stopRequested)
        trainer.stop();
}

void TrainingSession::detach()
{
    std::lock_guard lock(m_mutex);
    m_trainer = nullptr;
}

void TrainingSession::work(LaunchRequest request, int processes)
{
    try {
        RunStore store(m_runsFolder);
        LocalWorld local;
        if (processes > 1) { // the cores shared out among the ranks unless the config says
            if (request.config.threads <= 0)
                request.config.threads = std::max(1, QThread::idealThreadCount() / processes);
            local = startLocalWorld(m_workerProgram, processes, {request.config, *request.data, false},
                                    std::chrono::seconds(60), [this] {
                                        std::lock_guard lock(m_mutex);
                                        return m_stopRequested;
                                    });
            request.world = local.world.get();
        }
        RunLauncher launcher(store, request);
        const auto& position = launcher.trainer().position();
        SignalBridge bridge(this, position.step);
        attach(launcher);
        const auto result = launcher.run({&bridge});
        detach();
        if (local.ranks)
            local.ranks->wait(60000);
        bridge.finished(result);
    } catch (const std::exception& e) {
        detach();
        Q_EMIT failed(QString::fromStdString(plainMessage(e)));
    }
}

/// Re-emits a study's runs as the session's signals, one bridge per launched variant.
class TrainingSession::StudyBridge : public StudyListener {
public:
    StudyBridge(TrainingSession* session, const AblationStudy& study) : m_session(session), m_study(study) {}

    std::vector<TrainingObserver*> launching(std::size_t, RunLauncher& launcher) override
    {
        const auto& position = launcher.trainer().position();
        m_bridge = std::make_unique<SignalBridge>(m_session, position.step);
        m_session->attach(launcher);
        return {m_bridge.get()};
    }
    void finished(std::size_t index, std::int64_t runId, const LaunchResult* result) override
    {
        m_session->detach();
        const auto total = int(m_study.variants.size());
        const auto name = QString::fromStdString(m_study.variants[index].name);
        if (!result) {
            Q_EMIT m_session->studyProgress(int(index) + 1, total,
                                            tr("“%1”: run %2, finished earlier").arg(name).arg(runId));
            return;
        }
        m_bridge->finished(*result);
        if (result->evaluated)
            Q_EMIT m_session->studyProgress(
                int(index) + 1, total,
                tr("“%1”: run %2, test accuracy %3 %").arg(name).arg(runId).arg(result->testAccuracy * 100, 0, 'f', 2));
    }

private:
    static QString tr(const char* text) { return TrainingSession::tr(text); }

    TrainingSession* m_session;
    const AblationStudy& m_study;
    std::unique_ptr<SignalBridge> m_bridge;
};

void TrainingSession::workStudy(const AblationStudy& study, const QString& name, std::shared_ptr<const Dataset> dataset)
{
    try {
        RunStore store(m_runsFolder);
        StudyRunner runner(store, study, name, std::move(dataset));
        {
            std::lock_guard lock(m_mutex);
            m_study = &runner;
            if (m_stopRequested)
                runner.stop();
        }
        StudyBridge bridge(this, study);
        const auto outcome = runner.run(bridge);
        {
            std::lock_guard lock(m_mutex);
            m_study = nullptr;
        }
        Q_EMIT studyFinished(outcome.completed, QString::fromStdString(outcome.message), outcome.rows);
    } catch (const std::exception& e) {
        {
            std::lock_guard lock(m_mutex);
            m_study = nullptr;
            m_trainer = nullptr;
        }
        Q_EMIT studyFinished(false, QString::fromStdString(plainMessage(e)), {});
    }
}

void TrainingSession::pause()
{
    if (m_state != State::Running)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_pauseRequested = true;
        if (m_trainer)
            m_trainer->pause();
    }
    setState(State::Paused);
}

void TrainingSession::resume()
{
    if (m_state != State::Paused)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_pauseRequested = false;
        if (m_trainer)
            m_trainer->resume();
    }
    setState(State::Running);
}

void TrainingSession::stop()
{
    if (m_state == State::Idle || m_state == State::Stopping)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stopRequested = true;
        if (m_study)
            m_study->stop(); // the variant in training and the rest
        if (m_trainer)
            m_trainer->stop();
    }
    setState(State::Stopping);
}

void TrainingSession::stopAndWait()
{
    if (!m_thread)
        return;
    stop();
    m_thread->wait();
    onThreadFinished();
}

void TrainingSession::onThreadFinished()
{
    if (!m_thread)
        return;
    m_thread->deleteLater();
    m_thread = nullptr;
    setState(State::Idle);
}

void TrainingSession::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

} // namespace studio::ui
