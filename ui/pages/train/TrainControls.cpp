#include "TrainControls.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QStyle>
#include <QVBoxLayout>

namespace studio::ui {
namespace {

QString clock(double seconds)
{
    const auto s = qint64(seconds + 0.5);
    return s >= 3600 ? QStringLiteral("%1:%2:%3")
                           .arg(s / 3600)
                           .arg(s / 60 % 60, 2, 10, QLatin1Char('0'))
                           .arg(s % 60, 2, 10, QLatin1Char('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

TrainControls::TrainControls(QWidget* parent)
    : QWidget(parent), m_start(new QPushButton(tr("Start"), this)), m_pause(new QPushButton(tr("Pause"), this)),
      m_stop(new QPushButton(tr("Stop"), this)), m_processes(new QSpinBox(this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this))
{
    m_start->setObjectName("startButton");
    m_pause->setObjectName("pauseButton");
    m_stop->setObjectName("stopButton");
    m_progress->setObjectName("progress");
    m_status->setObjectName("trainStatus");
    m_start->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_pause->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    m_stop->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_start->setToolTip(tr("Start training (Ctrl+Return)"));
    m_pause->setToolTip(tr("Pause or resume after the current batch (Ctrl+P)"));
    m_stop->setToolTip(tr("Stop after the current batch and keep a resumable checkpoint (Ctrl+.)"));
    m_processes->setObjectName("processes");
    m_processes->setRange(1, std::max(2, QThread::idealThreadCount()));
    m_processes->setSuffix(tr(" processes"));
    m_processes->setSpecialValueText(tr("1 process"));
    m_processes->setToolTip(tr("Processes: train data-parallel on this many processes of this machine (LibTorch's "
                               "c10d, Gloo). The cores are shared out among them; Pause is not offered with more "
                               "than one, Stop still keeps a resumable run."));
    m_start->setDefault(true);
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Ready"));
    m_progress->setTextVisible(true);
    m_status->setWordWrap(true);

    auto* row = new QHBoxLayout;
    row->addWidget(m_start);
    row->addWidget(m_pause);
    row->addWidget(m_stop);
    row->addWidget(m_processes);
    row->addWidget(m_progress, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addWidget(m_status);

    connect(m_start, &QPushButton::clicked, this, &TrainControls::startClicked);
    connect(m_stop, &QPushButton::clicked, this, &TrainControls::stopClicked);
    connect(m_pause, &QPushButton::clicked, this, [this] {
        if (m_state == TrainingSession::State::Paused)
            Q_EMIT resumeClicked();
        else
            Q_EMIT pauseClicked();
    });
    setState(TrainingSession::State::Idle, false);
}

void TrainControls::setState(TrainingSession::State state, bool canStart)
{
    using S = TrainingSession::State;
    m_state = state;
    m_start->setEnabled(state == S::Idle && canStart);
    m_pause->setEnabled((state == S::Running || state == S::Paused) && m_runProcesses == 1);
    m_processes->setEnabled(state == S::Idle);
    m_stop->setEnabled(state == S::Running || state == S::Paused);
    m_pause->setText(state == S::Paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(style()->standardIcon(state == S::Paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    if (state == S::Paused)
        m_progress->setFormat(tr("Paused — %1").arg(m_progress->format()));
    else if (state == S::Stopping)
        m_progress->setFormat(tr("Stopping after this batch…"));
}

void TrainControls::beginRun(const RunStarted& run)
{
    m_totalSteps = run.batchesPerEpoch * run.numEpochs;
    m_runProcesses = run.processes;
    m_pause->setEnabled(m_state == TrainingSession::State::Running && m_runProcesses == 1);
    m_firstStep = run.firstStep;
    m_firstSeconds = -1;
    m_progress->setValue(m_totalSteps ? int(1000 * run.firstStep / m_totalSteps) : 0);
    m_progress->setFormat(tr("Starting run %1 …").arg(run.runId));
}

void TrainControls::showBatch(const BatchRecord& u)
{
    if (m_firstSeconds < 0)
        m_firstSeconds = u.runSeconds;
    const qint64 done = u.step + 1;
    m_progress->setValue(m_totalSteps ? int(1000 * done / m_totalSteps) : 0);
    QString eta = tr("ETA …");
    const qint64 measured = done - m_firstStep;
    if (measured >= 5) {
        const double perStep = (u.runSeconds - m_firstSeconds) / double(measured - 1);
        eta = tr("ETA %1").arg(clock(perStep * double(std::max<qint64>(0, m_totalSteps - done))));
    }
    const int epochs = int(m_totalSteps / std::max<qint64>(1, u.batchesPerEpoch));
    const QString processes = m_runProcesses > 1 ? tr(" · %1 processes").arg(m_runProcesses) : QString();
    const QString text = tr("Epoch %1/%2 · step %L3/%L4 · %L5 img/s%6 · %7")
                             .arg(u.epoch)
                             .arg(epochs)
                             .arg(done)
                             .arg(m_totalSteps)
                             .arg(qint64(u.imagesPerSecond))
                             .arg(processes, eta);
    m_progress->setFormat(m_state == TrainingSession::State::Paused ? tr("Paused — %1").arg(text) : text);
}

int TrainControls::processes() const
{
    return m_processes->value();
}

void TrainControls::setStatus(const QString& text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? "color: #c62828;" : "");
}

QString TrainControls::status() const
{
    return m_status->text();
}

QString TrainControls::progressText() const
{
    return m_progress->format();
}

int TrainControls::progressValue() const
{
    return m_progress->value();
}

} // namespace studio::ui
