#pragma once
#include "TrainingUpdates.h"

#include "runs/Ablation.h"

#include <QObject>

namespace studio::ui {

class DataSource;
class TrainingSession;

/// The Studies tab's handle on a study: starts it through the studio's training session (the core
/// StudyRunner on the session's thread, so the Train page shows each variant live and each is
/// scored on the test split), relays its progress and keeps its table, as `ablate` writes it.
class StudyQueue : public QObject {
    Q_OBJECT
public:
    StudyQueue(TrainingSession* session, DataSource* data, QObject* parent = nullptr);

    /// Queues every variant of `study` under the study name `name`; returns "" or why it cannot
    /// start (a run is active, no dataset, already running).
    QString start(const AblationStudy& study, const QString& name);
    /// Stops the variant in training (resumable: starting the study again under its name finishes
    /// it) and drops the rest.
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
    TrainingSession* m_session;
    DataSource* m_data;
    AblationStudy m_study;
    QString m_name;
    std::vector<AblationRow> m_rows;
    bool m_running = false;
};

} // namespace studio::ui
