#pragma once
#include <QObject>
#include <QStringList>

#include <memory>
#include <vector>

class QProcess;

namespace studio::ui {

/// A sweep's workers on this machine, started from the Runs page: `mnist-studio-cli worker --sweep
/// ID` processes on the window's run store (its location handed over in $MNIST_STUDIO_RUNS, so a
/// server password never shows in a process list), each with its share of the cores. They train
/// runs until none is left; stop() asks them to stop after their current batch (SIGTERM: each run
/// stays resumable and any worker continues it later) and returns at once. Workers on other
/// machines are started there with the same command.
class SweepWorkers : public QObject {
    Q_OBJECT
public:
    /// `program`: the CLI (TrainingSession::workerProgram()).
    explicit SweepWorkers(const QString& program, QObject* parent = nullptr);
    /// Stops the workers and waits up to a second; one still busy is killed (its run is then
    /// taken as interrupted and continued from its last checkpoint by the next worker).
    ~SweepWorkers() override;

    /// Starts `count` workers on sweep `sweep` of the store at `location`; "" or the problem.
    QString start(const QString& location, qint64 sweep, int count);
    void stop();
    /// Workers still running.
    int running() const;
    qint64 sweep() const { return m_sweep; }
    /// Each worker's last line of output ("run 7 epoch 2/3: …"), in start order.
    QStringList lastLines() const;
    QString program() const { return m_program; }

Q_SIGNALS:
    /// A worker started, printed a line or ended.
    void changed();
    /// The last worker ended: what happened, naming any worker that failed.
    void finished(const QString& message);

private:
    struct Worker {
        std::unique_ptr<QProcess> process;
        QString lastLine;
        QString failure;
    };
    void onEnded();

    QString m_program;
    qint64 m_sweep = 0;
    bool m_stopping = false;
    bool m_announced = false; ///< finished() was sent for these workers
    std::vector<Worker> m_workers;
};

} // namespace studio::ui
