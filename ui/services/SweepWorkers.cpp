#include "SweepWorkers.h"

#include <QProcess>
#include <QThread>

#include <algorithm>

namespace studio::ui {

SweepWorkers::SweepWorkers(const QString& program, QObject* parent) : QObject(parent), m_program(program) {}

SweepWorkers::~SweepWorkers()
{
    stop();
    QDeadlineTimer deadline(1000);
    for (auto& w : m_workers) {
        w.process->disconnect(this);
        if (w.process->state() != QProcess::NotRunning && !w.process->waitForFinished(int(deadline.remainingTime())))
            w.process->kill();
    }
    for (auto& w : m_workers)
        w.process->waitForFinished(1000);
}

QString SweepWorkers::start(const QString& location, qint64 sweep, int count)
{
    if (running() > 0)
        return tr("Workers of sweep %1 are still running: stop them first.").arg(m_sweep);
    if (count < 1)
        return tr("Start at least one worker.");
    m_workers.clear();
    m_sweep = sweep;
    m_stopping = false;
    m_announced = false;
    // Each worker its share of the cores: K processes of N threads each would oversubscribe them.
    const int threads = std::max(1, QThread::idealThreadCount() / count);
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_RUNS", location);
    for (int i = 0; i < count; ++i) {
        Worker w;
        w.process = std::make_unique<QProcess>();
        auto* p = w.process.get();
        p->setProcessEnvironment(env);
        p->setProcessChannelMode(QProcess::MergedChannels);
        connect(p, &QProcess::readyReadStandardOutput, this, [this, p] {
            for (auto& worker : m_workers)
                if (worker.process.get() == p)
                    while (p->canReadLine())
                        if (const QString line = QString::fromUtf8(p->readLine()).trimmed(); !line.isEmpty())
                            worker.lastLine = line;
            Q_EMIT changed();
        });
        connect(p, &QProcess::finished, this, &SweepWorkers::onEnded);
        p->start(m_program, {"worker", "--sweep", QString::number(sweep), "--threads", QString::number(threads)});
        if (!p->waitForStarted(5000)) {
            const QString problem = tr("Cannot start a worker (%1): %2.").arg(m_program, p->errorString());
            m_workers.push_back(std::move(w));
            stop();
            return problem;
        }
        m_workers.push_back(std::move(w));
    }
    Q_EMIT changed();
    return {};
}

void SweepWorkers::stop()
{
    m_stopping = true;
    for (auto& w : m_workers)
        if (w.process->state() != QProcess::NotRunning)
            w.process->terminate(); // the worker stops its run after the current batch
}

int SweepWorkers::running() const
{
    return int(std::count_if(m_workers.begin(), m_workers.end(),
                             [](const Worker& w) { return w.process->state() != QProcess::NotRunning; }));
}

QStringList SweepWorkers::lastLines() const
{
    QStringList lines;
    for (const auto& w : m_workers)
        lines << w.lastLine;
    return lines;
}

void SweepWorkers::onEnded()
{
    for (auto& w : m_workers) {
        auto* p = w.process.get();
        if (p->state() != QProcess::NotRunning || !w.failure.isEmpty())
            continue;
        if (const QString rest = QString::fromUtf8(p->readAll()).trimmed(); !rest.isEmpty())
            w.lastLine = rest.split('\n').last().trimmed();
        // 0: no run left; 130: stopped; anything else (1: a run failed, a crash) is worth saying.
        const bool ok = p->exitStatus() == QProcess::NormalExit && (p->exitCode() == 0 || p->exitCode() == 130);
        if (!ok && !(m_stopping && p->exitStatus() == QProcess::CrashExit))
            w.failure = w.lastLine.isEmpty() ? tr("exit code %1").arg(p->exitCode()) : w.lastLine;
    }
    Q_EMIT changed();
    if (running() > 0 || m_announced) // two workers ending together: one announcement
        return;
    m_announced = true;
    QStringList failures;
    for (int i = 0; i < int(m_workers.size()); ++i)
        if (!m_workers[std::size_t(i)].failure.isEmpty())
            failures << tr("worker %1: %2").arg(i + 1).arg(m_workers[std::size_t(i)].failure);
    const QString ended =
        m_stopping ? tr("Workers of sweep %1 stopped; their runs continue when workers start again.").arg(m_sweep)
                   : tr("Workers of sweep %1 ended: no run left to train.").arg(m_sweep);
    Q_EMIT finished(failures.isEmpty() ? ended : ended + " " + tr("Problems: %1").arg(failures.join("; ")));
}

} // namespace studio::ui
