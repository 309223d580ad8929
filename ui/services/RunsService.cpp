#include "RunsService.h"

#include "util/StudioError.h"

#include <QDir>
#include <QFile>
#include <QTimer>

namespace studio::ui {
namespace {

constexpr int kPollMs = 2000;
constexpr int kNotifiedMs = 100; ///< notifications within this are one re-read

} // namespace

RunsService::RunsService(const QString& folder, QObject* parent)
    : QObject(parent), m_folder(RunStore::defaultFolder(folder)), m_poll(new QTimer(this)), m_notified(new QTimer(this))
{
    m_notified->setSingleShot(true);
    m_notified->setInterval(kNotifiedMs);
    connect(m_notified, &QTimer::timeout, this, [this] { refresh(); });
    m_poll->setInterval(kPollMs);
    connect(m_poll, &QTimer::timeout, this, &RunsService::poll);
}

RunsService::~RunsService() = default;

RunStore* RunsService::store()
{
    if (!m_store) {
        try {
            m_store = std::make_unique<RunStore>(m_folder);
            m_error.clear();
            // A server store tells of other machines' commits as they happen (a burst read once).
            m_store->notifyChanges(this, [this] {
                if (m_watchers > 0)
                    m_notified->start();
            });
        } catch (const StudioError& e) {
            m_error = QString::fromUtf8(e.what());
        }
    }
    return m_store.get();
}

QString RunsService::runDir(qint64 id) const
{
    return m_store ? m_store->runDir(id) : QDir(m_folder).filePath(QStringLiteral("run-%1").arg(id));
}

const RunRecord* RunsService::run(qint64 id) const
{
    for (const auto& r : m_runs)
        if (r.id == id)
            return &r;
    return nullptr;
}

QList<CheckpointChoice> RunsService::checkpoints() const
{
    QList<CheckpointChoice> out;
    for (auto it = m_runs.rbegin(); it != m_runs.rend(); ++it) {
        const QDir dir(runDir(it->id));
        if (QFile::exists(dir.filePath("best.pt")))
            out.append({tr("Run %1 · %2 · best (val %3 %)")
                            .arg(it->id)
                            .arg(it->name.isEmpty() ? it->model : it->name)
                            .arg(it->bestValAccuracy * 100, 0, 'f', 2),
                        dir.filePath("best.pt"), it->id, "best"});
        if (it->status == "running" && QFile::exists(dir.filePath("latest.pt")))
            out.append({tr("Run %1 · %2 · latest (training)").arg(it->id).arg(it->model), dir.filePath("latest.pt"),
                        it->id, "latest"});
    }
    return out;
}

void RunsService::refresh(bool force)
{
    auto* s = store();
    if (!s) {
        Q_EMIT failed(m_error);
        return;
    }
    try {
        const auto stamp = s->changeStamp(); // before reading: a commit in between shows next time
        if (!force && stamp == m_seenStamp)
            return;
        m_runs = s->runs();
        m_seenStamp = stamp;
    } catch (const StudioError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
        return;
    }
    Q_EMIT runsChanged();
}

void RunsService::watch(bool on)
{
    m_watchers = std::max(0, m_watchers + (on ? 1 : -1));
    if (m_watchers > 0 && !m_poll->isActive())
        m_poll->start();
    else if (m_watchers == 0)
        m_poll->stop();
}

void RunsService::poll()
{
    auto* s = store();
    if (!s)
        return;
    try {
        refresh(s->markInterruptedRuns() > 0);
    } catch (const StudioError& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
}

QString RunsService::rename(qint64 id, const QString& name)
{
    return edit(
        id, [&](RunStore& s) { s.rename(id, name); }, [&](RunRecord& r) { r.name = name; });
}

QString RunsService::setTags(qint64 id, const QString& tags)
{
    return edit(
        id, [&](RunStore& s) { s.setTags(id, tags); }, [&](RunRecord& r) { r.tags = tags; });
}

QString RunsService::edit(qint64 id, const std::function<void(RunStore&)>& write,
                          const std::function<void(RunRecord&)>& apply)
{
    auto* s = store();
    if (!s)
        return m_error;
    try {
        write(*s);
    } catch (const StudioError& e) {
        return QString::fromUtf8(e.what());
    }
    for (auto& r : m_runs)
        if (r.id == id)
            apply(r);
    Q_EMIT runUpdated(id);
    return {};
}

QString RunsService::deleteRuns(const std::vector<qint64>& ids)
{
    QString problem;
    if (auto* s = store()) {
        try {
            for (const auto id : ids)
                s->deleteRun(id);
        } catch (const StudioError& e) {
            problem = QString::fromUtf8(e.what());
        }
    } else {
        problem = m_error;
    }
    refresh(true);
    return problem;
}

} // namespace studio::ui
