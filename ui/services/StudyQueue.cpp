#include "StudyQueue.h"

#include "DataSource.h"
#include "TrainingSession.h"

namespace studio::ui {

StudyQueue::StudyQueue(TrainingSession* session, DataSource* data, QObject* parent)
    : QObject(parent), m_session(session), m_data(data)
{
    connect(m_session, &TrainingSession::studyProgress, this, [this](int done, int total, const QString& text) {
        if (m_running)
            Q_EMIT progress(done, total, text);
    });
    connect(m_session, &TrainingSession::studyFinished, this,
            [this](bool completed, const QString& message, const std::vector<AblationRow>& rows) {
                if (!m_running)
                    return;
                m_running = false;
                m_rows = completed ? rows : std::vector<AblationRow>{};
                Q_EMIT finished(message);
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
    m_rows.clear();
    // Every variant trains and is scored on the dataset loaded now, whatever is loaded later.
    if (!m_session->startStudy(study, name, m_data->dataset()))
        return tr("The study could not start.");
    m_running = true;
    Q_EMIT progress(0, int(study.variants.size()),
                    tr("Training “%1” (1 of %2)")
                        .arg(QString::fromStdString(study.variants.front().name))
                        .arg(study.variants.size()));
    return {};
}

void StudyQueue::cancel()
{
    if (m_running)
        m_session->stop(); // the variant in training stops resumable; studyFinished follows
}

} // namespace studio::ui
