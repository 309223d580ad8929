#pragma once
#include "TrainingUpdates.h"

#include "runs/Ablation.h"
#include "training/TrainConfig.h"

#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

class QThread;

namespace studio {
struct Dataset;
struct DataSearch;
struct LaunchRequest;
class RunLauncher;
class StudyRunner;
class Trainer;
} // namespace studio

namespace studio::ui {

/// The UI's one door to training: owns a QThread that runs a run through the core RunLauncher (or
/// a study through the core StudyRunner, one launched run after another), recording into the run
/// store, and re-emits the events as queued signals carrying plain values. Pause, resume and stop
/// act before the next batch; stopping writes a resumable checkpoint.
class TrainingSession : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Paused, Stopping };
    Q_ENUM(State)

    explicit TrainingSession(const QString& runsFolder, QObject* parent = nullptr);
    /// Stops and joins a running worker.
    ~TrainingSession() override;

    QString runsFolder() const { return m_runsFolder; }
    State state() const { return m_state; }
    bool isActive() const { return m_state != State::Idle; }
    qint64 runId() const { return m_runId; }

    /// Starts a new run of `config` (valid) on `dataset`, filed under `study` when it belongs to
    /// one, scored on the test split afterwards when `evaluateTest`; false when a run is active.
    /// With `processes` > 1 the run is data-parallel: this process is rank 0 and the others are
    /// `mnist-studio-cli worker` processes (workerProgram()) on this machine; pause is not offered.
    bool start(const TrainConfig& config, std::shared_ptr<const Dataset> dataset, const QString& study = {},
               bool evaluateTest = false, int processes = 1);
    /// The CLI the local ranks run: $MNIST_STUDIO_CLI, else mnist-studio-cli beside this program.
    QString workerProgram() const { return m_workerProgram; }
    void setWorkerProgram(const QString& path) { m_workerProgram = path; }
    /// Continues a stopped or interrupted run of the store from its latest checkpoint, on the data
    /// it was trained on: found through `search` on the worker thread, or failed() naming the
    /// dataset and where it looked.
    bool resumeRun(qint64 runId, const DataSearch& search);
    /// Runs `study` under the name `name` on `dataset`: each variant trains live (runStarted …
    /// runFinished, as one run does) and is scored on the test split; studyProgress follows each
    /// and studyFinished the end. A study of that name begun before continues where it stopped.
    bool startStudy(const AblationStudy& study, const QString& name, std::shared_ptr<const Dataset> dataset);

    void pause();
    void resume();
    void stop();
    /// Stops and waits for the worker to end (returns at once when idle).
    void stopAndWait();

Q_SIGNALS:
    void stateChanged(studio::ui::TrainingSession::State state);
    void runStarted(const studio::ui::RunStarted& run);
    void batchDone(const studio::BatchRecord& update);
    void epochDone(const studio::EpochRecord& update);
    void checkpointSaved(const QString& path, const QString& kind, int epoch);
    void runFinished(const studio::ui::RunFinished& result);
    /// The run could not start (bad checkpoint, unwritable runs folder, …).
    void failed(const QString& message);
    /// `done` of `total` variants of the study are finished; `text` says which and how.
    void studyProgress(int done, int total, const QString& text);
    /// The study ended: `rows` is its table when `completed`, `message` says how it ended.
    void studyFinished(bool completed, const QString& message, const std::vector<studio::AblationRow>& rows);

private:
    class SignalBridge;
    class StudyBridge;
    /// Starts `job` on a new worker thread.
    void launch(std::function<void()> job, qint64 runId);
    /// On the worker thread: one run through the core RunLauncher, its events re-emitted.
    void work(LaunchRequest request, int processes = 1);
    /// On the worker thread: a study through the core StudyRunner.
    void workStudy(const AblationStudy& study, const QString& name, std::shared_ptr<const Dataset> dataset);
    /// On the worker thread: says a launched run started and hands its trainer to pause()/stop().
    void attach(RunLauncher& launcher);
    void detach();
    void setState(State state);
    void onThreadFinished();

    QString m_runsFolder;
    QString m_workerProgram;
    State m_state = State::Idle;
    qint64 m_runId = 0;
    QThread* m_thread = nullptr;

    // Shared with the worker thread.
    std::mutex m_mutex;
    Trainer* m_trainer = nullptr;
    StudyRunner* m_study = nullptr;
    bool m_stopRequested = false;
    bool m_pauseRequested = false;
};

} // namespace studio::ui

Q_DECLARE_METATYPE(std::vector<studio::AblationRow>)
