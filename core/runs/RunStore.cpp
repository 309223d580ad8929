#include "runs/RunStore.h"

#include "util/LibraryVersions.h"
#include "util/StudioError.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStorageInfo>
#include <QUrl>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>

#include <atomic>

namespace studio {
namespace {

std::atomic<int> g_connectionCounter{0};

QString compact(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
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
    const auto data = QJsonDocument::fromJson(q.value("data").toByteArray()).object();
    if (!data.isEmpty()) {
        r.data = datasetInfoFromJson(data);
    } else { // a run from before dataset records: its name only
        r.data.name = q.value("dataset").toString().toStdString();
        r.data.classNames = classNamesFor(r.data.name);
    }
    r.versions = QJsonDocument::fromJson(q.value("versions").toByteArray()).object();
    r.world = QJsonDocument::fromJson(q.value("world").toByteArray()).object();
    r.pid = q.value("pid").toLongLong();
    r.host = q.value("host").toString();
    r.study = q.value("study").toString();
    r.sweep = q.value("sweep").toLongLong();
    r.heartbeat = QDateTime::fromSecsSinceEpoch(q.value("heartbeat").toLongLong());
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

RunStore::RunStore(const QString& location) : m_location(location)
{
    m_connection = QStringLiteral("runstore-%1").arg(++g_connectionCounter);
    if (isServerLocation(location)) {
        openServer(location);
        return;
    }
    m_folder = QDir(location).absolutePath();
    m_location = m_folder;
    if (!QDir().mkpath(m_folder))
        throw StudioError("Cannot create the runs folder " + m_folder.toStdString() + ".");
    const QString file = QDir(m_folder).filePath("runs.sqlite");
    auto db = QSqlDatabase::addDatabase("QSQLITE", m_connection);
    db.setDatabaseName(file);
    if (!db.open())
        throw StudioError("Cannot open the run store in " + m_folder.toStdString() + ": " +
                          db.lastError().text().toStdString() + ".");
    try {
        query("PRAGMA busy_timeout = 5000");
        query("PRAGMA journal_mode = WAL");
        query("PRAGMA synchronous = NORMAL");
        migrate();
    } catch (const StudioError& e) {
        if (!QFileInfo::exists(file))
            throw;
        openReadOnly(file, e.what()); // a full disk, a read-only medium: what is recorded can still be read
        return;
    }
    try {
        markInterruptedRuns();
    } catch (const StudioError&) { // housekeeping: the next open tries again
    }
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
    const bool writes = sql.startsWith("INSERT") || sql.startsWith("UPDATE") || sql.startsWith("DELETE");
    if (!m_readOnly.isEmpty() && writes)
        throw StudioError("The run store in " + m_location.toStdString() + " is read-only now (" +
                          m_readOnly.toStdString() + "): nothing can be recorded until it can be written again.");
    // PostgreSQL prepares only queries and writes (not SET, CREATE, NOTIFY): those run as they are.
    if (binds.isEmpty()) {
        if (!q.exec(sql))
            throw StudioError("Run store error: " + q.lastError().text().toStdString() + " (" +
                              sql.left(60).toStdString() + ").");
    } else {
        q.prepare(sql);
        for (const auto& b : binds)
            q.addBindValue(b);
        execOrThrow(q);
    }
    if (m_server && writes) { // viewers on other connections follow (delivered at commit)
        QSqlQuery notify(QSqlDatabase::database(m_connection));
        notify.exec(QStringLiteral("NOTIFY mnist_studio_runs"));
    }
    return q;
}

std::int64_t RunStore::changeStamp() const
{
    if (m_server)
        return notificationsReceived();
    auto q = query("PRAGMA data_version");
    return q.next() ? q.value(0).toLongLong() : 0;
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

std::int64_t RunStore::createRun(const TrainConfig& config, const DatasetInfo& data, std::int64_t parameters,
                                 const QString& study)
{
    return insertRun(config, data, parameters, study, 0, "running");
}

std::int64_t RunStore::insertRun(const TrainConfig& config, const DatasetInfo& data, std::int64_t parameters,
                                 const QString& study, std::int64_t sweep, const QString& status)
{
    const auto versions = runVersions();
    const bool queued = status == "queued";
    auto q = query("INSERT INTO runs (name, model, config, status, dataset, study, started, params, pid, host, data,"
                   " versions, sweep, heartbeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                   {QString::fromStdString(config.name), QString::fromStdString(config.model),
                    compact(configToJson(config)), status, QString::fromStdString(data.name), study,
                    queued ? QString() : QDateTime::currentDateTime().toString(Qt::ISODate), qint64(parameters),
                    qint64(queued ? 0 : QCoreApplication::applicationPid()), queued ? QString() : localHost(),
                    compact(toJson(data)), compact(versions), qint64(sweep),
                    qint64(queued ? 0 : QDateTime::currentSecsSinceEpoch())});
    const auto id = q.next() ? q.value(0).toLongLong() : 0;
    QDir().mkpath(runDir(id));
    RunRecord r;
    r.id = id;
    r.config = config;
    r.data = data;
    r.versions = versions;
    writeRunConfig(r);
    return id;
}

void RunStore::setRunData(std::int64_t id, const DatasetInfo& data)
{
    const auto r = run(id);
    if (!r)
        throw StudioError("No run " + std::to_string(id) + " in " + m_location.toStdString() + ".");
    query("UPDATE runs SET dataset = ?, data = ? WHERE id = ?",
          {QString::fromStdString(data.name), compact(toJson(data)), qint64(id)});
    auto updated = *r;
    updated.data = data;
    writeRunConfig(updated);
}

void RunStore::setRunWorld(std::int64_t id, const QJsonObject& world)
{
    const auto r = run(id);
    if (!r)
        throw StudioError("No run " + std::to_string(id) + " in " + m_location.toStdString() + ".");
    query("UPDATE runs SET world = ? WHERE id = ?", {compact(world), qint64(id)});
    auto updated = *r;
    updated.world = world;
    writeRunConfig(updated);
}

void RunStore::writeRunConfig(const RunRecord& r) const
{
    QJsonObject extra{{"dataset", toJson(r.data)}, {"versions", r.versions}};
    if (!r.world.isEmpty())
        extra["world"] = r.world;
    if (QDir(runDir(r.id)).exists())
        saveConfigFile(QDir(runDir(r.id)).filePath("config.json"), r.config, extra);
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
    return runsWhere("TRUE", {});
}

std::vector<RunRecord> RunStore::runsWhere(const QString& condition, const QVariantList& binds) const
{
    auto q = query("SELECT * FROM runs WHERE " + condition + " ORDER BY id", binds);
    std::vector<RunRecord> out;
    while (q.next())
        out.push_back(readRun(q));
    return out;
}

std::vector<EpochRecord> RunStore::epochs(std::int64_t id) const
{
    auto q = query("SELECT epoch, train_loss, train_acc, val_loss, val_acc, lr, seconds, ema_val_loss, ema_val_acc, "
                   "val_class_acc FROM epochs WHERE run_id = ? ORDER BY epoch",
                   {qint64(id)});
    std::vector<EpochRecord> out;
    const double nan = std::nan("");
    auto num = [&](int i) { return q.value(i).isNull() ? nan : q.value(i).toDouble(); };
    double runSeconds = 0;
    while (q.next()) {
        out.push_back({q.value(0).toInt(), num(1), num(2), num(3), num(4), num(5), num(6)});
        out.back().emaValLoss = num(7);
        out.back().emaValAccuracy = num(8);
        for (const auto& v : q.value(9).toString().split(' ', Qt::SkipEmptyParts))
            out.back().valClassAccuracy.push_back(v == "nan" ? nan : v.toDouble());
        runSeconds += out.back().seconds;
        out.back().runSeconds = runSeconds;
    }
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

std::int64_t RunStore::recordedSteps(std::int64_t id) const
{
    auto q = query("SELECT COALESCE(MAX(step) + 1, 0) FROM batches WHERE run_id = ?", {qint64(id)});
    return q.next() ? q.value(0).toLongLong() : 0;
}

void RunStore::recordBatches(std::int64_t id, const std::vector<BatchRecord>& batches)
{
    auto db = QSqlDatabase::database(m_connection);
    if (!db.transaction())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
    try {
        insertBatches(id, batches);
    } catch (...) {
        db.rollback();
        throw;
    }
    if (!db.commit())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
}

void RunStore::insertBatches(std::int64_t id, const std::vector<BatchRecord>& batches)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    q.prepare("INSERT INTO batches (run_id, step, epoch, loss, acc, lr, images_per_s) VALUES (?, ?, ?, ?, ?, ?, ?) ON "
              "CONFLICT (run_id, step) DO UPDATE SET epoch = excluded.epoch, loss = excluded.loss, acc = excluded.acc, "
              "lr = excluded.lr, images_per_s = excluded.images_per_s");
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
}

void RunStore::recordEpoch(std::int64_t id, const EpochRecord& e, const std::vector<BatchRecord>& batches,
                           int bestEpoch, double bestValAccuracy, double bestValLoss, double seconds)
{
    auto db = QSqlDatabase::database(m_connection);
    if (!db.transaction())
        throw StudioError("Run store error: " + db.lastError().text().toStdString() + ".");
    QStringList classes; // per-class validation accuracy, space-separated, exact ('g' 17)
    for (double v : e.valClassAccuracy)
        classes << (std::isnan(v) ? QStringLiteral("nan") : QString::number(v, 'g', 17));
    try {
        query("INSERT INTO epochs (run_id, epoch, train_loss, train_acc, val_loss, val_acc, lr, seconds, ema_val_loss, "
              "ema_val_acc, val_class_acc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id, epoch) DO "
              "UPDATE SET train_loss = excluded.train_loss, train_acc = excluded.train_acc, val_loss = "
              "excluded.val_loss, val_acc = excluded.val_acc, lr = excluded.lr, seconds = excluded.seconds, "
              "ema_val_loss = excluded.ema_val_loss, ema_val_acc = excluded.ema_val_acc, val_class_acc = "
              "excluded.val_class_acc",
              {qint64(id), e.epoch, nullIfNan(e.trainLoss), nullIfNan(e.trainAccuracy), nullIfNan(e.valLoss),
               nullIfNan(e.valAccuracy), e.lr, e.seconds, nullIfNan(e.emaValLoss), nullIfNan(e.emaValAccuracy),
               classes.join(' ')});
        insertBatches(id, batches);
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

} // namespace studio
