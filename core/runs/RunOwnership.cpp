#include "runs/RunStore.h"

#include "runs/RunRecovery.h"
#include "util/StudioError.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QStorageInfo>
#include <QUrl>
#include <QSqlQuery>
#include <QSysInfo>

#include <csignal>
#include <unistd.h>

// Who may write: a store that cannot be written opens read-only.
// Who trains a run: the process (pid on host) that created or resumed it holds it while it is
// "running"; a second process cannot resume it, and opening a store marks the runs of processes
// gone as interrupted (or completed, when every epoch of theirs is recorded). A process on another
// host cannot be asked: its runs are taken as abandoned when their heartbeat is older than
// heartbeatTimeout().
namespace studio {
namespace {

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

} // namespace

void RunStore::openReadOnly(const QString& file, const std::string& error)
{
    auto db = QSqlDatabase::database(m_connection, false);
    db.close();
    // immutable: no -shm or -wal file is created (there may be no room for them); what a process
    // killed since the last checkpoint left in runs.sqlite-wal is not seen.
    db.setConnectOptions("QSQLITE_OPEN_READONLY;QSQLITE_OPEN_URI");
    db.setDatabaseName(QUrl::fromLocalFile(file).toString(QUrl::FullyEncoded) + "?immutable=1");
    const QStorageInfo volume(m_folder);
    m_readOnly = volume.bytesAvailable() < 1024 * 1024                      ? "the disk is full"
                 : volume.isReadOnly() || !QFileInfo(m_folder).isWritable() ? "its folder cannot be written"
                                                                            : QString::fromStdString(error);
    if (!db.open())
        throw StudioError(error);
    query("SELECT COUNT(*) FROM runs"); // throws what SQLite says when even reading fails
}

QString RunStore::localHost()
{
    return QSysInfo::machineHostName();
}

int RunStore::markInterruptedRuns()
{
    auto q = query("SELECT id, pid, host, heartbeat FROM runs WHERE status = 'running'");
    std::vector<std::int64_t> dead;
    const auto now = QDateTime::currentSecsSinceEpoch();
    while (q.next()) {
        const bool here = q.value(2).toString() == localHost();
        const auto beat = q.value(3).toLongLong(); // 0: a run from before heartbeats
        if (here ? !processAlive(q.value(1).toLongLong()) : now - beat > heartbeatTimeout())
            dead.push_back(q.value(0).toLongLong());
    }
    int marked = 0;
    for (auto id : dead) {
        settleCheckpoints(*this, id);
        const auto [status, message] = statusAfterProcessEnded(*this, id);
        marked += query("UPDATE runs SET status = ?, message = ?, ended = ? WHERE id = ? AND status = 'running'",
                        {status, message, QDateTime::currentDateTime().toString(Qt::ISODate), qint64(id)})
                      .numRowsAffected();
    }
    return marked;
}

void RunStore::markResumed(std::int64_t id)
{
    // One statement: of two processes resuming at once, one claims the run.
    const auto claimed =
        query("UPDATE runs SET status = 'running', message = '', ended = NULL, pid = ?, host = ?, heartbeat = ? WHERE "
              "id = ? AND status != 'running'",
              {qint64(QCoreApplication::applicationPid()), localHost(), qint64(QDateTime::currentSecsSinceEpoch()),
               qint64(id)})
            .numRowsAffected();
    if (claimed == 0)
        throw StudioError(heldBy(id));
}

std::string RunStore::heldBy(std::int64_t id) const
{
    const auto r = run(id);
    if (!r)
        return "No run " + std::to_string(id) + " in " + m_location.toStdString() + ".";
    return "Run " + std::to_string(id) + " is being trained by process " + std::to_string(r->pid) + " on " +
           r->host.toStdString() + ": a run has one writer; stop it there, or wait for it to end.";
}

} // namespace studio
