// The run store's tables and how a store written by an earlier version is brought up to date.
#include "runs/RunStore.h"

#include <QSqlQuery>
#include <QStringList>

namespace studio {
namespace {

const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, tags TEXT DEFAULT '',"
    " model TEXT, config TEXT, status TEXT, message TEXT DEFAULT '', dataset TEXT, study TEXT DEFAULT '',"
    " started TEXT, ended TEXT, epochs_done INTEGER DEFAULT 0, best_epoch INTEGER DEFAULT 0,"
    " best_val_acc REAL DEFAULT 0, best_val_loss REAL DEFAULT 0, test_acc REAL DEFAULT -1, test_loss REAL DEFAULT -1,"
    " params INTEGER, seconds REAL DEFAULT 0, evaluation TEXT DEFAULT '{}', pid INTEGER, host TEXT,"
    " data TEXT DEFAULT '', versions TEXT DEFAULT '', world TEXT DEFAULT '', sweep INTEGER DEFAULT 0,"
    " heartbeat INTEGER DEFAULT 0)",
    "CREATE TABLE IF NOT EXISTS epochs (run_id INTEGER, epoch INTEGER, train_loss REAL, train_acc REAL,"
    " val_loss REAL, val_acc REAL, lr REAL, seconds REAL, PRIMARY KEY (run_id, epoch))",
    "CREATE TABLE IF NOT EXISTS batches (run_id INTEGER, step INTEGER, epoch INTEGER, loss REAL, acc REAL,"
    " lr REAL, images_per_s REAL, PRIMARY KEY (run_id, step))",
    "CREATE TABLE IF NOT EXISTS sweeps (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, spec TEXT,"
    " status TEXT DEFAULT 'active', created TEXT)",
};

/// Schema versions: 1 the first; 2 adds runs.data (the dataset record) and runs.versions; 3
/// runs.world (the processes of a data-parallel run); 4 the sweeps table, runs.sweep and
/// runs.heartbeat (seconds since the epoch of the holder's last sign of life).
constexpr int kSchemaVersion = 4;

/// Columns added after version 1, for stores written by earlier versions.
const char* kAddedColumns[][2] = {{"data", "TEXT DEFAULT ''"},
                                  {"versions", "TEXT DEFAULT ''"},
                                  {"world", "TEXT DEFAULT ''"},
                                  {"sweep", "INTEGER DEFAULT 0"},
                                  {"heartbeat", "INTEGER DEFAULT 0"}};

} // namespace

void RunStore::migrate()
{
    for (const char* sql : kSchema)
        query(sql);
    auto version = query("PRAGMA user_version");
    if (version.next() && version.value(0).toInt() >= kSchemaVersion)
        return;
    QStringList columns;
    for (auto info = query("PRAGMA table_info(runs)"); info.next();)
        columns << info.value("name").toString();
    for (const auto& [name, type] : kAddedColumns)
        if (!columns.contains(QLatin1String(name)))
            query(QStringLiteral("ALTER TABLE runs ADD COLUMN %1 %2").arg(name, type));
    query("CREATE INDEX IF NOT EXISTS runs_by_sweep ON runs (sweep, status)");
    query(QStringLiteral("PRAGMA user_version = %1").arg(kSchemaVersion));
}

} // namespace studio
