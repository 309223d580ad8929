// A run owns its data: fingerprints, finding a run's data, refusing other data, runs of the
// previous version (a store written by d9a1a24 in tests/data/store-v1).
#include "data/DatasetSearch.h"
#include "evaluation/ModelEvaluation.h"
#include "runs/RunData.h"
#include "runs/RunStore.h"
#include "support/Fixtures.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "training/Checkpoint.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace studio;

class TestRunData : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void fingerprintIsAboutContentNotFiles();
    void aRunRecordsItsData();
    void otherDataUnderTheSameNameIsRefused();
    void movedDataIsFoundInAKnownLocation();
    void evaluationRefusesOtherData();
    void storeOfThePreviousVersionIsMigratedAndFilledIn();

private:
    /// A dataset folder named `name` (the display name comes from it) under the temporary folder.
    QString writeData(const QString& subfolder, const Dataset& data, bool gz = false);

    QTemporaryDir m_dir;
    Dataset m_a, m_b;
};

void TestRunData::initTestCase()
{
    qputenv("MNIST_STUDIO_DATA", "");
    qputenv("XDG_DATA_HOME", m_dir.filePath("xdg").toUtf8()); // no user data folder
    m_a = test::syntheticDataset(20, 5, 1);
    m_b = test::syntheticDataset(20, 5, 2);
}

QString TestRunData::writeData(const QString& subfolder, const Dataset& data, bool gz)
{
    const QString folder = m_dir.filePath(subfolder);
    test::writeIdxFolder(data, folder, gz);
    return folder;
}

void TestRunData::fingerprintIsAboutContentNotFiles()
{
    const auto raw = loadDataset(writeData("raw/blocks", m_a).toStdString());
    const auto gz = loadDataset(writeData("gz/blocks", m_a, true).toStdString());
    const auto other = loadDataset(writeData("other/blocks", m_b).toStdString());
    QCOMPARE(raw.fingerprint.size(), std::size_t(64)); // BLAKE2b-256 in hex
    QCOMPARE(gz.fingerprint, raw.fingerprint);
    QCOMPARE(raw.fingerprint, m_a.fingerprint); // the same images in memory
    QVERIFY(other.fingerprint != raw.fingerprint);
    QCOMPARE(raw.name, other.name); // the same display name: only the content tells them apart
    QCOMPARE(raw.trainCount, qint64(200));
    QCOMPARE(raw.testCount, qint64(50));
    // One changed label is other data.
    auto relabelled = m_a;
    relabelled.test.labels = relabelled.test.labels.clone();
    relabelled.test.labels[0] = (relabelled.test.labels[0].item<std::int64_t>() + 1) % 10;
    fillContentInfo(relabelled);
    QVERIFY(relabelled.fingerprint != m_a.fingerprint);
}

void TestRunData::aRunRecordsItsData()
{
    const QString runs = m_dir.filePath("records");
    const auto folder = writeData("records-data/blocks", m_a);
    const auto id = test::trainRecordedRun(runs, folder, 1);
    RunStore store(runs);
    const auto run = store.run(id);
    QCOMPARE(run->data.fingerprint, m_a.fingerprint);
    QCOMPARE(QString::fromStdString(run->data.folder), QDir(folder).absolutePath());
    QCOMPARE(run->data.trainCount, qint64(200));
    QVERIFY(!run->versions.value("mnist_studio").toString().isEmpty());
    const auto meta = readCheckpointMeta(store.checkpoint(id, "latest"));
    QCOMPARE(meta.data.fingerprint, m_a.fingerprint);
    QCOMPARE(meta.data.mean, run->data.mean);
    QFile config(QDir(store.runDir(id)).filePath("config.json"));
    QVERIFY(config.open(QIODevice::ReadOnly));
    const auto json = QJsonDocument::fromJson(config.readAll()).object();
    QCOMPARE(json.value("dataset").toObject().value("fingerprint").toString().toStdString(), m_a.fingerprint);
    QVERIFY(json.value("versions").toObject().contains("libtorch"));
    // config.json still loads as a config, without warnings about its records.
    std::vector<std::string> ignored;
    loadConfigFile(config.fileName(), &ignored);
    QVERIFY(ignored.empty());
}

void TestRunData::otherDataUnderTheSameNameIsRefused()
{
    const QString runs = m_dir.filePath("refused");
    const auto a = writeData("refused-a/blocks", m_a);
    const auto b = writeData("refused-b/blocks", m_b);
    const auto id = test::trainRecordedRun(runs, a, 1);
    QVERIFY(QDir(a).removeRecursively()); // A is gone; B, named alike, is where the studio looks
    qputenv("MNIST_STUDIO_DATA", writeData("refused-b-gz/blocks", m_b, true).toUtf8());
    RunStore store(runs);
    const DataSearch search{{{b.toStdString(), "from --data"}}, {std::make_shared<Dataset>(m_b)}};
    try {
        runDataset(store, id, search);
        QFAIL("other data was accepted");
    } catch (const StudioError& e) {
        const QString m = e.what();
        QVERIFY2(m.contains("Run " + QString::number(id) + ": "), e.what());
        QVERIFY2(m.contains("blocks (fingerprint " + QString::fromStdString(m_a.shortFingerprint())), e.what());
        QVERIFY2(m.contains(a + " (recorded with the run): does not exist"), e.what());
        QVERIFY2(m.contains(b + " (from --data): holds blocks (fingerprint " +
                            QString::fromStdString(m_b.shortFingerprint())),
                 e.what());
        QVERIFY2(m.contains("(from MNIST_STUDIO_DATA): holds blocks"), e.what());
        QVERIFY2(m.contains("(filled by scripts/setup.sh)") && m.contains("(Debian's dataset-fashion-mnist)"),
                 e.what());
    }
    qputenv("MNIST_STUDIO_DATA", "");
}

void TestRunData::movedDataIsFoundInAKnownLocation()
{
    const QString runs = m_dir.filePath("moved");
    const auto a = writeData("moved-a/blocks", m_a);
    const auto id = test::trainRecordedRun(runs, a, 1);
    const QString moved = m_dir.filePath("elsewhere/blocks");
    QDir().mkpath(m_dir.filePath("elsewhere"));
    QVERIFY(QDir().rename(a, moved));
    RunStore store(runs);
    QVERIFY_THROWS_EXCEPTION(StudioError, runDataset(store, id, {}));
    qputenv("MNIST_STUDIO_DATA", moved.toUtf8()); // a known location now
    const auto found = runDataset(store, id, {});
    qputenv("MNIST_STUDIO_DATA", "");
    QCOMPARE(found->fingerprint, m_a.fingerprint);
    QCOMPARE(QString::fromStdString(found->folder), QDir(moved).absolutePath());
    // A gzipped copy named with --data is the same data too.
    const auto gz = writeData("gzipped/blocks", m_a, true);
    QCOMPARE(runDataset(store, id, {{{gz.toStdString(), "from --data"}}, {}})->fingerprint, m_a.fingerprint);
}

void TestRunData::evaluationRefusesOtherData()
{
    const QString runs = m_dir.filePath("evaluation");
    const auto id = test::trainRecordedRun(runs, writeData("evaluation-a/blocks", m_a), 1);
    const auto loaded = loadModelFromCheckpoint(RunStore(runs).checkpoint(id));
    QVERIFY_THROWS_EXCEPTION(StudioError, evaluateModel(loaded, m_b, "test"));
    QCOMPARE(evaluateModel(loaded, m_a, "test").scores.size(), qint64(50));
}

void TestRunData::storeOfThePreviousVersionIsMigratedAndFilledIn()
{
    const QString runs = m_dir.filePath("v1");
    QVERIFY(test::copyFolder(test::fixturePath("store-v1"), runs));
    {
        RunStore store(runs);
        const auto all = store.runs();
        QCOMPARE(all.size(), std::size_t(2));
        QCOMPARE(all[0].data.name, std::string("blocks")); // the name it recorded
        QVERIFY(all[0].data.fingerprint.empty());
        QVERIFY(all[0].versions.isEmpty());
        QCOMPARE(all[1].status, QString("stopped"));
        // Its epochs read back, with no weight average (schema 5 added the columns).
        const auto epochs = store.epochs(1);
        QVERIFY(!epochs.empty());
        QVERIFY(std::isfinite(epochs[0].valAccuracy) && std::isnan(epochs[0].emaValAccuracy));
        QCOMPARE(epochs[0].keptValAccuracy(), epochs[0].valAccuracy);
        QVERIFY(epochs[0].valClassAccuracy.empty()); // nor per-class figures (schema 6)
        // Its checkpoints (format 1) load with their statistics.
        const auto meta = readCheckpointMeta(store.checkpoint(1));
        QCOMPARE(meta.data.name, std::string("blocks"));
        QVERIFY(meta.data.fingerprint.empty());
        QVERIFY(meta.data.mean > 0.01 && meta.data.mean < 0.2);
        // Not found where the studio looks: refused, nothing written.
        QVERIFY_THROWS_EXCEPTION(StudioError, runDataset(store, 1, {}));
        QVERIFY(store.run(1)->data.fingerprint.empty());
        // Other data of the same name (other statistics) is not taken for it.
        const auto impostor = writeData("impostor/blocks", m_a);
        QVERIFY_THROWS_EXCEPTION(StudioError, runDataset(store, 1, {{{impostor.toStdString(), "from --data"}}, {}}));
        // Found by name and statistics: the record is filled in, in the store and config.json.
        const auto found = runDataset(store, 1, {{{(runs + "/blocks").toStdString(), "from --data"}}, {}});
        QCOMPARE(found->trainCount, qint64(1000));
        QCOMPARE(store.run(1)->data.fingerprint, found->fingerprint);
        QFile config(QDir(store.runDir(1)).filePath("config.json"));
        QVERIFY(config.open(QIODevice::ReadOnly));
        QCOMPARE(QJsonDocument::fromJson(config.readAll())
                     .object()
                     .value("dataset")
                     .toObject()
                     .value("fingerprint")
                     .toString()
                     .toStdString(),
                 found->fingerprint);
    }
    // The schema is now version 6 (the per-class validation accuracy), and reopening changes nothing.
    {
        auto db = QSqlDatabase::addDatabase("QSQLITE", "check");
        db.setDatabaseName(runs + "/runs.sqlite");
        QVERIFY(db.open());
        QSqlQuery q("PRAGMA user_version", db);
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 6);
    }
    QSqlDatabase::removeDatabase("check");
    RunStore again(runs);
    QVERIFY(!again.run(1)->data.fingerprint.empty());
    QVERIFY(again.run(2)->data.fingerprint.empty()); // filled in on its own first use
    QVERIFY(again.run(1)->world.isEmpty());          // one process, as every run before schema 3
}

STUDIO_TEST_GUILESS_MAIN(TestRunData)
#include "tst_rundata.moc"
