// The run store's two backends — a SQLite file for one machine, a PostgreSQL server for several —
// their tables, and how a store written by an earlier version is brought up to date.
#include "runs/RunStore.h"

#include "util/StudioError.h"

#include <QDir>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>
#include <QUrl>
#include <QUuid>

namespace studio {
namespace {

// Written for SQLite; PostgreSQL gets the same tables through serverTypes().
const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, tags TEXT DEFAULT '',"
    " model TEXT, config TEXT, status TEXT, message TEXT DEFAULT '', dataset TEXT, study TEXT DEFAULT '',"
    " started TEXT, ended TEXT, epochs_done INTEGER DEFAULT 0, best_epoch INTEGER DEFAULT 0,"
    " best_val_acc REAL DEFAULT 0, best_val_loss REAL DEFAULT 0, test_acc REAL DEFAULT -1, test_loss REAL DEFAULT -1,"
    " params INTEGER, seconds REAL DEFAULT 0, evaluation TEXT DEFAULT '{}', pid INTEGER, host TEXT,"
    " data TEXT DEFAULT '', versions TEXT DEFAULT '', world TEXT DEFAULT '', sweep INTEGER DEFAULT 0,"
    " heartbeat INTEGER DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS epochs (run_id INTEGER, epoch INTEGER, train_loss REAL, train_acc REAL,"
    " val_loss REAL, val_acc REAL, lr REAL, seconds REAL, ema_val_loss REAL, ema_val_acc REAL, val_class_acc TEXT,"
    " PRIMARY KEY (run_id, epoch))",
    "CREATE TABLE IF NOT EXISTS batches (run_id INTEGER, step INTEGER, epoch INTEGER, loss REAL, acc REAL,"
    " lr REAL, images_per_s REAL, PRIMARY KEY (run_id, step))",
    "CREATE TABLE IF NOT EXISTS sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, spec TEXT,"
    " status TEXT DEFAULT 'active', created TEXT)",
};

/// Schema versions: 1 the first; 2 adds runs.data (the dataset record) and runs.versions; 3
/// runs.world (the processes of a data-parallel run); 4 the sweeps table, runs.sweep and
/// runs.heartbeat (seconds since the epoch of the holder's last sign of life); 5 the weight
/// average's validation, epochs.ema_val_loss and epochs.ema_val_acc; 6 the per-class validation
/// accuracy, epochs.val_class_acc.
constexpr int kSchemaVersion = 6;

/// Columns added after version 1, for stores written by earlier versions: table, column, type.
const char* kAddedColumns[][3] = {{"runs", "data", "TEXT DEFAULT ''"},        {"runs", "versions", "TEXT DEFAULT ''"},
                                  {"runs", "world", "TEXT DEFAULT ''"},       {"runs", "sweep", "INTEGER DEFAULT 0"},
                                  {"runs", "heartbeat", "INTEGER DEFAULT 0"}, {"epochs", "ema_val_loss", "REAL"},
                                  {"epochs", "ema_val_acc", "REAL"},          {"epochs", "val_class_acc", "TEXT"}};

/// SQLite's column types as PostgreSQL spells them (64-bit integers, double precision).
QString serverTypes(QString sql)
{
    return sql.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY")
        .replace(" INTEGER", " BIGINT")
        .replace(" REAL", " DOUBLE PRECISION");
}

/// Channel of the change notifications every write sends on a server store.
const char* kChannel = "mnist_studio_runs";

} // namespace

bool RunStore::isServerLocation(const QString& location)
{
    return location.startsWith("postgresql://") || location.startsWith("postgres://");
}

void RunStore::openServer(const QString& location)
{
    m_server = true;
    const QUrl url(location);
    const QString database = url.path().mid(1);
    if (!url.isValid() || url.host().isEmpty() || database.isEmpty())
        throw StudioError("\"" + location.toStdString() +
                          "\" is not a PostgreSQL location: give postgresql://USER@HOST:PORT/DATABASE.");
    QUrl shown = url;
    shown.setPassword({});
    m_location = shown.toString();
    // The runs' folders: shared by every machine that trains or opens the runs (a network mount); the
    // store's own folder under it is named in the database (migrate()).
    QString artifacts = qEnvironmentVariable("MNIST_STUDIO_ARTIFACTS");
    if (artifacts.isEmpty()) {
        const QString base = qEnvironmentVariable("XDG_DATA_HOME");
        artifacts = (base.isEmpty() ? QDir::homePath() + "/.local/share" : base) + "/mnist-studio/artifacts";
    }
    m_folder = QDir(artifacts).absolutePath();
    if (!QDir().mkpath(m_folder))
        throw StudioError("Cannot create the artifacts folder " + m_folder.toStdString() + ".");
    auto db = QSqlDatabase::addDatabase("QPSQL", m_connection);
    if (!db.isValid())
        throw StudioError("Qt's PostgreSQL driver is not installed (Debian package libqt6sql6-psql).");
    db.setHostName(url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName());
    db.setPassword(url.password());
    db.setDatabaseName(database);
    db.setConnectOptions("connect_timeout=10;application_name=mnist-studio");
    if (!db.open()) {
        auto said = db.driver()->lastError().databaseText().simplified();
        if (!said.endsWith('.') && !said.endsWith('?'))
            said += '.';
        throw StudioError("Cannot open the run store at " + m_location.toStdString() + ": " + said.toStdString());
    }
    query("SET client_min_messages = WARNING"); // no NOTICE for tables that exist already
    migrate();
    if (!QDir().mkpath(m_folder))
        throw StudioError("Cannot create the artifacts folder " + m_folder.toStdString() + ".");
    subscribe();
    try {
        markInterruptedRuns();
    } catch (const StudioError&) { // housekeeping: the next open tries again
    }
}

void RunStore::subscribe()
{
    auto* driver = QSqlDatabase::database(m_connection).driver();
    driver->subscribeToNotification(kChannel);
    QObject::connect(
        driver, &QSqlDriver::notification,
        [counter = m_notifications](const QString&, QSqlDriver::NotificationSource source, const QVariant&) {
            if (source == QSqlDriver::OtherSource)
                ++*counter;
        });
}

void RunStore::notifyChanges(QObject* context, std::function<void()> changed)
{
    if (!m_server)
        return;
    QObject::connect(
        QSqlDatabase::database(m_connection).driver(), &QSqlDriver::notification, context,
        [changed = std::move(changed)](const QString&, QSqlDriver::NotificationSource source, const QVariant&) {
            if (source == QSqlDriver::OtherSource)
                changed();
        });
}

bool RunStore::reconnect()
{
    if (!m_server)
        return false;
    auto db = QSqlDatabase::database(m_connection, false);
    db.close();
    if (!db.open())
        return false;
    ++*m_notifications; // what happened meanwhile was not heard: viewers read again
    subscribe();
    return true;
}

int RunStore::retrySeconds()
{
    bool ok = false;
    const int seconds = qEnvironmentVariableIntValue("MNIST_STUDIO_STORE_RETRY", &ok);
    return ok && seconds >= 0 ? seconds : 300;
}

std::int64_t RunStore::notificationsReceived() const
{
    return m_notifications->load();
}

QString RunStore::artifactsFolder()
{
    // Chosen once, under the migration lock, and kept in the database so every machine finds it.
    query("CREATE TABLE IF NOT EXISTS artifacts (folder TEXT NOT NULL)");
    auto named = query("SELECT folder FROM artifacts");
    if (named.next())
        return named.value(0).toString();
    // A store written before this table has its runs' folders at the top of the artifacts folder;
    // a new one gets a folder of its own, so two databases given the same artifacts folder never
    // write into each other's run-<id>.
    auto runs = query("SELECT COUNT(*) FROM runs");
    const bool earlier = runs.next() && runs.value(0).toLongLong() > 0;
    QString folder = QStringLiteral(""); // not a null QString: that would bind as NULL
    if (!earlier) {
        const QString database = QUrl(m_location).path().mid(1);
        folder = QString(database).replace(QRegularExpression("[^A-Za-z0-9_.-]"), "_") + '-' +
                 QUuid::createUuid().toString(QUuid::Id128).left(8);
    }
    query("INSERT INTO artifacts (folder) VALUES (?)", {folder});
    return folder;
}

void RunStore::migrate()
{
    if (m_server) {
        // Workers starting together: one of them creates or migrates the tables at a time.
        query("SELECT pg_advisory_lock(7242)");
        try {
            for (const char* sql : kSchema)
                query(serverTypes(sql));
            query("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)");
            auto version = query("SELECT MAX(version) FROM schema_version");
            const int found = version.next() ? version.value(0).toInt() : 0;
            if (found < kSchemaVersion) {
                QStringList columns; // table.column
                for (auto q = query("SELECT table_name || '.' || column_name FROM information_schema.columns WHERE "
                                    "table_schema = current_schema()");
                     q.next();)
                    columns << q.value(0).toString();
                for (const auto& [table, name, type] : kAddedColumns)
                    if (!columns.contains(QStringLiteral("%1.%2").arg(table, name)))
                        query(serverTypes(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(table, name, type)));
                query("CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs (sweep, status)");
                query("DELETE FROM schema_version");
                query("INSERT INTO schema_version (version) VALUES (?)", {kSchemaVersion});
            }
            m_folder = QDir(m_folder).filePath(artifactsFolder());
        } catch (...) {
            query("SELECT pg_advisory_unlock(7242)");
            throw;
        }
        query("SELECT pg_advisory_unlock(7242)");
        return;
    }
    for (const char* sql : kSchema)
        query(sql);
    auto version = query("PRAGMA user_version");
    if (version.next() && version.value(0).toInt() >= kSchemaVersion)
        return;
    QStringList columns; // table.column
    for (const char* table : {"runs", "epochs"})
        for (auto info = query(QStringLiteral("PRAGMA table_info(%1)").arg(table)); info.next();)
            columns << QStringLiteral("%1.%2").arg(table, info.value("name").toString());
    for (const auto& [table, name, type] : kAddedColumns)
        if (!columns.contains(QStringLiteral("%1.%2").arg(table, name)))
            query(QStringLiteral("ALTER TABLE %1 ADD COLUMN %2 %3").arg(table, name, type));
    query("CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs (sweep, status)");
    query(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion));
}

} // namespace studio
