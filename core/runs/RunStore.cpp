#include "runs/RunStore.h"

#include "util/StudioError.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSysInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace studio {
namespace {

std::atomic<int> g_connectionCounter{0};

const char* kSchema[] = {
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, tags TEXT DEFAULT '',"
    " model TEXT, config TEXT, status TEXT, message TEXT DEFAULT '', dataset TEXT, study TEXT DEFAULT '',"
    " started TEXT, ended TEXT, epochs_done INTEGER DEFAULT 0, best_epoch INTEGER DEFAULT 0,"
    " best_val_acc REAL DEFAULT 0, best_val_loss REAL DEFAULT 0, test_acc REAL DEFAULT -1, test_loss REAL DEFAULT -1,"
    " params INTEGER, seconds REAL DEFAULT 0, evaluation TEXT DEFAULT '{}', pid INTEGER, host TEXT)",
    "CREATE TABLE IF NOT EXISTS epochs (run_id INTEGER, epoch INTEGER, train_loss REAL, train_acc REAL,"
    " val_loss REAL, val_acc REAL, lr REAL, seconds REAL, PRIMARY KEY (run_id, epoch))",
    "CREATE TABLE IF NOT EXISTS batches (run_id INTEGER, step INTEGER, epoch INTEGER, loss REAL, acc REAL,"
    " lr REAL, images_per_s REAL, PRIMARY KEY (run_id, step))",
};

QString hostName()
{
    return QSysInfo::machineHostName();
}

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

QVariant nullIfNan(double v)
{
    return std::isfinite(v) ? QVariant(v) : QVariant();
}

RunRecord readRun(const QSqlQuery& q)
{
    RunRecord r;
    r.id = q.value("id").toLongLong();
    r.name = q.value("name").toString();
    r.tags = q.value("tags").toString();
    r.model = q.value("model").toString();
    r.status = q.value("status").toString();
    r.message = q.value("message").toString();
    r.dataset = q.value("dataset").toString();
    r.study = q.value("study").toString();
    r.config = configFromJson(QJsonDocument::fromJson(q.value("config").toByteArray()).object());
    r.started = QDateTime::fromString(q.value("started").toString(), Qt::ISODate);
    r.ended = QDateTime::fromString(q.value("ended").toString(), Qt::ISODate);
    r.epochsDone = q.value("epochs_done").toInt();
    r.bestEpoch = q.value("best_epoch").toInt();
    r.bestValAccuracy = q.value("best_val_acc").toDouble();
    r.bestValLoss = q.value("best_val_loss").toDouble();
    r.testAccuracy = q.value("test_acc").toDouble();
    r.testLoss = q.value("test_loss").toDouble();
    r.parameters = q.value("params").toLongLong();
    r.seconds = q.value("seconds").toDouble();
    return r;
}

} // namespace

QString RunStore::defaultFolder(const QString& flagValue)
{
    if (!flagValue.isEmpty())
        return flagValue;
    const auto env = qEnvironmentVariable("MNIST_STUDIO_RUNS");
    if (!env.isEmpty())
        return env;
    QString base = qEnvironmentVariable("XDG_DATA_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + "/.local/share";
    return base + "/mnist-studio/runs";
}

RunStore::RunStore(const QString& folder) : m_folder(QDir(folder).absolutePath())
{
    if (!QDir().mkpath(m_folder))
        throw StudioError("Cannot create the runs folder " + m_folder.toStdString() + ".");
    m_connection = QStringLiteral("runstore-%1").arg(++g_connectionCounter);
    auto db = QSqlDatabase::addDatabase("QSQLITE", m_connection);
    db.setDatabaseName(QDir(m_folder).filePath("runs.sqlite"));
    if (!db.open())
        throw StudioError("Cannot open the run store in " + m_folder.toStdString() + ": " +
                          db.lastError().text().toStdString() + ".");
    query("PRAGMA busy_timeout = 5000");
    query("PRAGMA journal_mode = WAL");
    query("PRAGMA synchronous = NORMAL");
    for (const char* sql : kSchema)
        query(sql);
    markInterruptedRuns();
}

RunStore::~RunStore()
{
    {
        auto db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

static void execOrThrow(QSqlQuery& q)
{
    if (!q.exec())
        throw StudioError("Run store error: " + q.lastError().text().toStdString() + " (" +
                          q.lastQuery().left(60).toStdString() + ").");
}

QSqlQuery RunStore::query(const QString& sql, const QVariantList& binds) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare(sql);
    for (const auto& b : binds)
        q.addBindValue(b);
    execOrThrow(q);
    return q;
}

std::int64_t RunStore::changeStamp() const
{
    auto q = query("PRAGMA data_version");
    return q.next() ? q.value(0).toLongLong() : 0;
}

int RunStore::markInterruptedRuns()
{
    auto q = query("SELECT id, pid, host FROM runs WHERE status = 'running'");
    std::vector<std::int64_t> dead;
    while (q.next())
        if (q.value(2).toString() != hostName() || !processAlive(q.value(1).toLongLong()))
            dead.push_back(q.value(0).toLongLong());
    int marked = 0;
    for (auto id : dead) {
        marked += query("UPDATE runs SET status = 'interrupted', message = 'The process training this run ended "
                        "without finishing it; resume continues from the last saved epoch.' WHERE id = ? AND "
                        "status = 'running'",
                        {qint64(id)})
                      .numRowsAffected();
    }
    return marked;
}

QString RunStore::runDir(std::int64_t id) const
{
    return QDir(m_folder).filePath(QStringLiteral("run-%1").arg(id));
}

QString RunStore::checkpoint(std::int64_t id, const QString& which) const
{
    if (which != "best" && which != "latest")
        throw StudioError("The checkpoint must be best or latest, not " + which.toStdString() + ".");
    const QString path = QDir(runDir(id)).filePath(which + ".pt");
    if (which == "best" && !QFile::exists(path))
        return QDir(runDir(id)).filePath("latest.pt");
    return path;
}

std::int64_t RunStore::createRun(const TrainConfig& config, const QString& dataset, std::int64_t parameters,
                                 const QString& study)
{
    auto q = query("INSERT INTO runs (name, model, config, status, dataset, study, started, params, pid, host)"
                   " VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
                   {QString::fromStdString(config.name), QString::fromStdString(config.model),
                    QString::fromUtf8(QJsonDocument(configToJson(config)).toJson(QJsonDocument::Compact)), dataset,
                    study, QDateTime::currentDateTime().toString(Qt::ISODate), qint64(parameters),
                    qint64(QCoreApplication::applicationPid()), hostName()});
    const auto id = q.lastInsertId().toLongLong();
    QDir().mkpath(runDir(id));
    saveConfigFile(QDir(runDir(id)).filePath("config.json"), config);
    return id;
}

std::optional<RunRecord> RunStore::run(std::int64_t id) const
{
    auto q = query("SELECT * FROM runs WHERE id = ?", {qint64(id)});
    if (!q.next())
        return std::nullopt;
    return readRun(q);
}

std::vector<RunRecord> RunStore::runs() const
{
    auto q = query("SELECT * FROM runs ORDER BY id");
    std::vector<RunRecord> out;
    while (q.next())
        out.push_back(readRun(q));
    return out;
}

std::vector<EpochRecord> RunStore::epochs(std::int64_t id) const
{
    auto q =
        query("SELECT epoch, train_loss, train_acc, val_loss, val_acc, lr, seconds FROM epochs WHERE run_id = ? ORDER "
              "BY epoch",
              {qint64(id)});
    std::vector<EpochRecord> out;
    const double nan = std::nan("");
    auto num = [&](int i) { return q.value(i).isNull() ? nan : q.value(i).toDouble(); };
    while (q.next())
        out.push_back({q.value(0).toInt(), num(1), num(2), num(3), num(4), num(5), num(6)});
    return out;
}

std::vector<BatchRecord> RunStore::batches(std::int64_t id) const
{
    auto q = query("SELECT step, epoch, loss, acc, lr, images_per_s FROM batches WHERE run_id = ? ORDER BY step",
                   {qint64(id)});
    std::vector<BatchRecord> out;
    while (q.next())
        out.push_back({q.value(0).toLongLong(), q.value(1).toInt(), q.value(2).toDouble(), q.value(3).toDouble(),
                       q.value(4).toDouble(), q.value(5).toDouble()});
    return out;
}

void RunStore::recordBatches(std::int64_t id, const std::vector<BatchRecord>& batches)
{
    auto db = QSqlDatabase::database(m_connection);
    const bool own = db.transaction();
    QSqlQuery q(db);
    q.prepare("INSERT OR REPLACE INTO batches (run_id, step, epoch, loss, acc, lr, images_per_s) VALUES (?, ?, ?, ?, "
              "?, ?, ?)");
    for (const auto& b : batches) {
        q.addBindValue(qint64(id));
        q.addBindValue(qint64(b.step));
        q.addBindValue(b.epoch);
        q.addBindValue(nullIfNan(b.loss));
        q.addBindValue(b.accuracy);
        q.addBindValue(b.lr);
        q.addBindValue(b.imagesPerSecond);
        execOrThrow(q);
    }
    if (own && !db.commit())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
}

void RunStore::recordEpoch(std::int64_t id, const EpochRecord& e, const std::vector<BatchRecord>& batches,
                           int bestEpoch, double bestValAccuracy, double bestValLoss, double seconds)
{
    auto db = QSqlDatabase::database(m_connection);
    if (!db.transaction())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
    try {
        query("INSERT OR REPLACE INTO epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr, seconds)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              {qint64(id), e.epoch, nullIfNan(e.trainLoss), nullIfNan(e.trainAccuracy), nullIfNan(e.valLoss),
               nullIfNan(e.valAccuracy), e.lr, e.seconds});
        recordBatches(id, batches);
        query("UPDATE runs SET epochs_done = ?, best_epoch = ?, best_val_acc = ?, best_val_loss = ?, seconds = ? "
              "WHERE id = ?",
              {e.epoch, bestEpoch, nullIfNan(bestValAccuracy), nullIfNan(bestValLoss), seconds, qint64(id)});
    } catch (...) {
        db.rollback();
        throw;
    }
    if (!db.commit())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
}

void RunStore::finishRun(std::int64_t id, const QString& status, const QString& message, double seconds)
{
    query("UPDATE runs SET status = ?, message = ?, ended = ?, seconds = ? WHERE id = ?",
          {status, message, QDateTime::currentDateTime().toString(Qt::ISODate), seconds, qint64(id)});
}

void RunStore::markResumed(std::int64_t id)
{
    query("UPDATE runs SET status = 'running', message = '', ended = NULL, pid = ?, host = ? WHERE id = ?",
          {qint64(QCoreApplication::applicationPid()), hostName(), qint64(id)});
}

void RunStore::setTestResult(std::int64_t id, double accuracy, double loss, const QJsonObject& metrics)
{
    query("UPDATE runs SET test_acc = ?, test_loss = ?, evaluation = ? WHERE id = ?",
          {accuracy, loss, QString::fromUtf8(QJsonDocument(metrics).toJson(QJsonDocument::Compact)), qint64(id)});
}

void RunStore::rename(std::int64_t id, const QString& name)
{
    query("UPDATE runs SET name = ? WHERE id = ?", {name, qint64(id)});
}

void RunStore::setTags(std::int64_t id, const QString& tags)
{
    query("UPDATE runs SET tags = ? WHERE id = ?", {tags, qint64(id)});
}

void RunStore::deleteRun(std::int64_t id)
{
    auto db = QSqlDatabase::database(m_connection);
    db.transaction();
    for (const char* sql : {"DELETE FROM batches WHERE run_id = ?", "DELETE FROM epochs WHERE run_id = ?",
                            "DELETE FROM runs WHERE id = ?"})
        query(sql, {qint64(id)});
    db.commit();
    QDir(runDir(id)).removeRecursively();
}

static void writeAtomically(const QString& path, const QByteArray& bytes)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

void RunStore::exportHistoryCsv(std::int64_t id, const QString& path) const
{
    QByteArray out = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds\n";
    auto num = [](double v) { return std::isfinite(v) ? QByteArray::number(v, 'g', 8) : QByteArray(); };
    for (const auto& e : epochs(id))
        out += QByteArray::number(e.epoch) + ',' + num(e.trainLoss) + ',' + num(e.trainAccuracy) + ',' +
               num(e.valLoss) + ',' + num(e.valAccuracy) + ',' + num(e.lr) + ',' + num(e.seconds) + '\n';
    writeAtomically(path, out);
}

void RunStore::exportJson(std::int64_t id, const QString& path) const
{
    const auto r = run(id);
    if (!r)
        throw StudioError("No run " + std::to_string(id) + " in " + m_folder.toStdString() + ".");
    auto num = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    QJsonArray epochArray, batchArray;
    for (const auto& e : epochs(id))
        epochArray.append(QJsonObject{{"epoch", e.epoch},
                                      {"train_loss", num(e.trainLoss)},
                                      {"train_acc", num(e.trainAccuracy)},
                                      {"val_loss", num(e.valLoss)},
                                      {"val_acc", num(e.valAccuracy)},
                                      {"lr", e.lr},
                                      {"seconds", e.seconds}});
    for (const auto& b : batches(id))
        batchArray.append(QJsonObject{{"step", qint64(b.step)},
                                      {"epoch", b.epoch},
                                      {"loss", num(b.loss)},
                                      {"acc", b.accuracy},
                                      {"lr", b.lr},
                                      {"images_per_s", b.imagesPerSecond}});
    QJsonObject o{{"id", qint64(r->id)},
                  {"name", r->name},
                  {"tags", r->tags},
                  {"model", r->model},
                  {"status", r->status},
                  {"message", r->message},
                  {"dataset", r->dataset},
                  {"started", r->started.toString(Qt::ISODate)},
                  {"ended", r->ended.toString(Qt::ISODate)},
                  {"epochs_done", r->epochsDone},
                  {"best_epoch", r->bestEpoch},
                  {"best_val_acc", r->bestValAccuracy},
                  {"best_val_loss", r->bestValLoss},
                  {"test_acc", r->testAccuracy},
                  {"test_loss", r->testLoss},
                  {"params", qint64(r->parameters)},
                  {"seconds", r->seconds},
                  {"config", configToJson(r->config)},
                  {"epochs", epochArray},
                  {"batches", batchArray}};
    writeAtomically(path, QJsonDocument(o).toJson(QJsonDocument::Indented));
}

} // namespace studio
