#pragma once
#include "TrainingUpdates.h"

#include "runs/Ablation.h"

#include <QObject>

#include <memory>

namespace studio {
struct Dataset;
}

namespace studio::ui {

class DataSource;
class TrainingSession;

/// Runs the variants of a study one after another through the studio's training session (so the
/// Train page shows each live), evaluates each finished run's best checkpoint on the test split
/// off the UI thread, and tabulates the study as `mnist-studio-cli ablate` does.
class StudyQueue : public QObject {
    Q_OBJECT
public:
    StudyQueue(TrainingSession* session, DataSource* data, QObject* parent = nullptr);

    /// Queues every variant of `study` under the study name `name`; returns "" or why it cannot
    /// start (a run is active, no dataset, already running).
    QString start(const AblationStudy& study, const QString& name);
    /// Stops the current run and drops the rest.
    void cancel();
    bool isRunning() const { return m_running; }
    QString name() const { return m_name; }
    const AblationStudy& study() const { return m_study; }
    /// The table once finished() was emitted (variant order, differences against the first).
    const std::vector<AblationRow>& rows() const { return m_rows; }

Q_SIGNALS:
    /// `done` of `total` variants finished; `text` says what happens now.
    void progress(int done, int total, const QString& text);
    /// The queue ended: `message` says how (rows() holds the table when it completed).
    void finished(const QString& message);

private:
    void startNext();
    void onRunStarted(const RunStarted& run);
    void onRunFinished(const RunFinished& result);
    void end(const QString& message);

    TrainingSession* m_session;
    DataSource* m_data;
    std::shared_ptr<const Dataset> m_studyData; ///< the dataset loaded when the study started
    AblationStudy m_study;
    QString m_name;
    std::vector<qint64> m_runIds;
    std::vector<AblationRow> m_rows;
    std::size_t m_next = 0;
    qint64 m_current = 0; ///< run of the variant in training (0: none yet)
    bool m_running = false;
    bool m_waitingToStart = false;
};

} // namespace studio::ui
