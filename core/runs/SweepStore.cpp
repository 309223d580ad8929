// The run store's sweeps: a sweep's queued runs, claimed one at a time by any number of workers.
#include "runs/RunStore.h"

#include "util/StudioError.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>

namespace studio {
namespace {

/// Counts a run's state into its sweep's progress.
void count(SweepRecord& s, const QString& status, int runs)
{
    s.total += runs;
    if (status == "queued")
        s.queued += runs;
    else if (status == "running")
        s.running += runs;
    else if (status == "completed" || status == "early-stopped" || status == "diverged")
        s.done += runs;
    else if (status == "stopped" || status == "interrupted")
        s.waiting += runs;
    else if (status == "cancelled")
        s.cancelled += runs;
    else
        s.failed += runs;
}

} // namespace

std::int64_t RunStore::createSweep(const QString& name, const QJsonObject& spec,
                                   const std::vector<TrainConfig>& configs, const std::vector<std::int64_t>& parameters,
                                   const DatasetInfo& data)
{
    auto db = QSqlDatabase::database(m_connection);
    if (!db.transaction())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
    std::int64_t id = 0;
    try {
        auto q = query("INSERT INTO sweeps (name, spec, status, created) VALUES (?, ?, 'active', ?) RETURNING id",
                       {name, QString::fromUtf8(QJsonDocument(spec).toJson(QJsonDocument::Compact)),
                        QDateTime::currentDateTime().toString(Qt::ISODate)});
        id = q.next() ? q.value(0).toLongLong() : 0;
        for (std::size_t i = 0; i < configs.size(); ++i)
            insertRun(configs[i], data, parameters[i], {}, id, "queued");
    } catch (...) {
        db.rollback();
        throw;
    }
    if (!db.commit())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
    return id;
}

std::vector<SweepRecord> RunStore::sweeps() const
{
    std::vector<SweepRecord> out;
    for (auto q = query("SELECT id, name, spec, status, created FROM sweeps ORDER BY id"); q.next();) {
        SweepRecord s;
        s.id = q.value(0).toLongLong();
        s.name = q.value(1).toString();
        s.spec = QJsonDocument::fromJson(q.value(2).toByteArray()).object();
        s.status = q.value(3).toString();
        s.created = QDateTime::fromString(q.value(4).toString(), Qt::ISODate);
        out.push_back(s);
    }
    for (auto q = query("SELECT sweep, status, COUNT(*) FROM runs WHERE sweep > 0 GROUP BY sweep, status"); q.next();)
        for (auto& s : out)
            if (s.id == q.value(0).toLongLong())
                count(s, q.value(1).toString(), q.value(2).toInt());
    for (auto& s : out)
        if (s.status == "active" && s.total > 0 && s.queued + s.running + s.waiting == 0)
            s.status = "finished";
    return out;
}

std::optional<SweepRecord> RunStore::sweep(std::int64_t id) const
{
    for (const auto& s : sweeps())
        if (s.id == id)
            return s;
    return std::nullopt;
}

std::vector<RunRecord> RunStore::sweepRuns(std::int64_t id) const
{
    return runsWhere("sweep = ?", {qint64(id)});
}

int RunStore::cancelSweep(std::int64_t id)
{
    if (!sweep(id))
        throw StudioError("No sweep " + std::to_string(id) + " in " + m_location.toStdString() + ".");
    query("UPDATE sweeps SET status = 'cancelled' WHERE id = ?", {qint64(id)});
    return query(
               "UPDATE runs SET status = 'cancelled', message = 'The sweep was cancelled.' WHERE sweep = ? AND status "
               "= 'queued'",
               {qint64(id)})
        .numRowsAffected();
}

std::int64_t RunStore::claimSweepRun(std::int64_t sweep)
{
    // One statement: SQLite runs writers one at a time, so the sub-select and the update see the
    // same state; PostgreSQL locks the chosen row and lets other workers skip it. Of two workers
    // only one moves a given run from its waiting state.
    auto q = query("UPDATE runs SET status = 'running', message = '', ended = NULL, pid = ?, host = ?, heartbeat = ?,"
                   " started = COALESCE(NULLIF(started, ''), ?) WHERE id = (SELECT r.id FROM runs r JOIN sweeps s ON"
                   " s.id = r.sweep WHERE s.status = 'active' AND r.status IN ('queued', 'interrupted', 'stopped')"
                   " AND (? = 0 OR r.sweep = ?) ORDER BY r.status = 'queued', r.id LIMIT 1" +
                       QString(m_server ? " FOR UPDATE OF r SKIP LOCKED" : "") +
                       ") AND status IN ('queued', 'interrupted', 'stopped') RETURNING id",
                   {qint64(QCoreApplication::applicationPid()), localHost(), qint64(QDateTime::currentSecsSinceEpoch()),
                    QDateTime::currentDateTime().toString(Qt::ISODate), qint64(sweep), qint64(sweep)});
    return q.next() ? q.value(0).toLongLong() : 0;
}

void RunStore::heartbeat(std::int64_t id)
{
    query("UPDATE runs SET heartbeat = ? WHERE id = ? AND status = 'running'",
          {qint64(QDateTime::currentSecsSinceEpoch()), qint64(id)});
}

int RunStore::heartbeatTimeout()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("MNIST_STUDIO_HEARTBEAT_TIMEOUT", &ok);
    return ok && seconds > 0 ? seconds : 60;
}

} // namespace studio
