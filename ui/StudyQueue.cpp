#include "StudyQueue.h"

#include "DataSource.h"
#include "TrainingSession.h"

#include "runs/RunStore.h"

namespace studio::ui {

StudyQueue::StudyQueue(TrainingSession* session, DataSource* data, QObject* parent)
    : QObject(parent), m_session(session), m_data(data)
{
    connect(m_session, &TrainingSession::runStarted, this, &StudyQueue::onRunStarted);
    connect(m_session, &TrainingSession::runFinished, this, &StudyQueue::onRunFinished);
    connect(m_session, &TrainingSession::failed, this, [this](const QString& message) {
        if (m_running)
            end(tr("The study stopped: %1").arg(message));
    });
    connect(m_session, &TrainingSession::stateChanged, this, [this](TrainingSession::State state) {
        if (state == TrainingSession::State::Idle && m_waitingToStart)
            startNext();
    });
}

QString StudyQueue::start(const AblationStudy& study, const QString& name)
{
    if (m_running)
        return tr("A study is already running.");
    if (m_session->isActive())
        return tr("A run is in progress: stop it or wait for it before starting a study.");
    if (!m_data->dataset())
        return tr("Load a dataset on the Train page first.");
    if (study.variants.empty())
        return tr("The study has no variants.");
    m_study = study;
    m_name = name;
    m_studyData = m_data->dataset(); // every variant trains and is scored on this, whatever is loaded later
    m_runIds.clear();
    m_rows.clear();
    m_next = 0;
    m_current = 0;
    m_running = true;
    startNext();
    return {};
}

void StudyQueue::cancel()
{
    if (!m_running)
        return;
    m_waitingToStart = false;
    m_next = m_study.variants.size();
    m_session->stop();
    end(tr("Study cancelled after %1 of %2 variants.").arg(m_runIds.size()).arg(m_study.variants.size()));
}

void StudyQueue::startNext()
{
    m_waitingToStart = false;
    if (!m_running)
        return;
    if (m_next >= m_study.variants.size()) {
        RunStore store(m_session->runsFolder());
        std::vector<std::string> names;
        std::vector<RunRecord> runs;
        std::vector<std::vector<EpochRecord>> histories;
        for (std::size_t i = 0; i < m_runIds.size(); ++i) {
            names.push_back(m_study.variants[i].name);
            runs.push_back(*store.run(m_runIds[i]));
            histories.push_back(store.epochs(m_runIds[i]));
        }
        m_rows = ablationTable(names, runs, histories, m_study.targetAccuracy);
        end(tr("Study “%1” completed: %2 runs.").arg(m_name).arg(m_runIds.size()));
        return;
    }
    if (m_session->isActive()) { // the last run's thread is still winding down
        m_waitingToStart = true;
        return;
    }
    const auto& variant = m_study.variants[m_next];
    Q_EMIT progress(int(m_next), int(m_study.variants.size()),
                    tr("Training “%1” (%2 of %3)")
                        .arg(QString::fromStdString(variant.name))
                        .arg(m_next + 1)
                        .arg(m_study.variants.size()));
    m_current = 0;
    if (!m_session->start(variant.config, m_studyData, m_name, /*evaluateTest=*/true))
        end(tr("The study could not start “%1”.").arg(QString::fromStdString(variant.name)));
}

void StudyQueue::onRunStarted(const RunStarted& run)
{
    if (m_running && m_current == 0)
        m_current = run.runId;
}

void StudyQueue::onRunFinished(const RunFinished& result)
{
    if (!m_running || m_current == 0)
        return;
    const qint64 runId = m_current;
    m_current = 0;
    if (!endedWell(result.reason)) {
        end(tr("The study stopped: run %1 %2 (%3).")
                .arg(runId)
                .arg(QString::fromStdString(nameOf(result.reason)), result.message));
        return;
    }
    if (!result.evaluationError.isEmpty()) {
        end(tr("The study stopped: run %1 could not be evaluated: %2").arg(runId).arg(result.evaluationError));
        return;
    }
    m_runIds.push_back(runId);
    ++m_next;
    Q_EMIT progress(int(m_next), int(m_study.variants.size()),
                    tr("Run %1: test accuracy %2 %").arg(runId).arg(result.testAccuracy * 100, 0, 'f', 2));
    startNext();
}

void StudyQueue::end(const QString& message)
{
    m_running = false;
    m_waitingToStart = false;
    m_studyData.reset();
    Q_EMIT finished(message);
}

} // namespace studio::ui
