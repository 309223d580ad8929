#pragma once
#include "TrainingSession.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace studio::ui {

/// Start / Pause-Resume / Stop, the number of processes, and the run's progress: epoch, step,
/// images/s, processes and ETA.
class TrainControls : public QWidget {
    Q_OBJECT
public:
    explicit TrainControls(QWidget* parent = nullptr);

    /// Enables the buttons for a session state; `canStart`: the form is valid and data loaded.
    void setState(TrainingSession::State state, bool canStart);
    void beginRun(const RunStarted& run);
    void showBatch(const BatchRecord& update);
    /// The one-line status under the progress bar.
    void setStatus(const QString& text, bool problem = false);
    QString status() const;
    QString progressText() const;
    int progressValue() const;
    /// Processes the next run trains on (data-parallel on this machine when > 1).
    int processes() const;

Q_SIGNALS:
    void startClicked();
    void pauseClicked();
    void resumeClicked();
    void stopClicked();

private:
    QPushButton* m_start;
    QPushButton* m_pause;
    QPushButton* m_stop;
    QSpinBox* m_processes;
    QProgressBar* m_progress;
    QLabel* m_status;
    TrainingSession::State m_state = TrainingSession::State::Idle;
    qint64 m_totalSteps = 0, m_firstStep = 0;
    double m_firstSeconds = -1;
    int m_runProcesses = 1;
};

} // namespace studio::ui
