#include "runs/RunExport.h"
#include "runs/RunRecorder.h"
#include "runs/RunStore.h"
#include "support/RunStoreEdits.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <cmath>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using namespace studio;

class TestRunStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase_data();
    void recordsSurviveAReopen();
    void deadProcessRunsBecomeInterrupted();
    void anotherWritersCommitsAreNoticed();
    void finishedRunsKeepTheirStatusAndPartialBatches();
    void deleteRemovesRowsAndFiles();
    void exportsHistoryCsvAndJson();
    void serverProblemsAreOneSentence();
    void serverStoresSharingAnArtifactsFolderKeepApart();
};

namespace {
void recordTwoEpochs(RunStore& store, std::int64_t id)
{
    RunRecorder rec(store, id);
    for (int epoch = 1; epoch <= 2; ++epoch) {
        for (int b = 0; b < 3; ++b)
            rec.onBatch({(epoch - 1) * 3 + b, epoch, 1.0 / (b + epoch), 0.5, 0.01, 1000, b, 3});
        EpochRecord e;
        e.epoch = epoch;
        e.trainLoss = 0.5 / epoch;
        e.trainAccuracy = 0.8 + 0.05 * epoch;
        e.valLoss = 0.4 / epoch;
        e.valAccuracy = 0.9 + 0.02 * epoch;
        e.lr = 0.01;
        e.seconds = 2.5;
        e.isBest = true;
        if (epoch == 2) { // the run began averaging its weights (ema_decay) only now
            e.emaValLoss = 0.15;
            e.emaValAccuracy = 0.95;
            e.valClassAccuracy = {1.0, 2.0 / 3.0, std::nan("")}; // class 2 had no validation images
        }
        rec.onEpoch(e);
    }
}
} // namespace

// Every test runs on both backends: a SQLite folder and a database on a real PostgreSQL server.
void TestRunStore::initTestCase_data()
{
    test::addStoreBackends();
}

void TestRunStore::recordsSurviveAReopen()
{
    QTemporaryDir dir;
    STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
    std::int64_t id = 0;
    TrainConfig config;
    config.name = "first";
    config.model = "tiny-v3";
    {
        RunStore store(runs);
        id = store.createRun(config, DatasetInfo{.name = "MNIST"}, 8650);
        QVERIFY(QDir(store.runDir(id)).exists());
        recordTwoEpochs(store, id);
    }
    RunStore reopened(runs);
    const auto r = reopened.run(id);
    QVERIFY(r.has_value());
    QCOMPARE(r->model, QString("tiny-v3"));
    QCOMPARE(r->name, QString("first"));
    QCOMPARE(r->parameters, 8650);
    QCOMPARE(r->epochsDone, 2);
    QCOMPARE(r->bestEpoch, 2);
    QCOMPARE(r->bestValAccuracy, 0.95); // the weights the run keeps: the average's
    QCOMPARE(r->bestValLoss, 0.15);
    QCOMPARE(r->seconds, 5.0);
    QVERIFY(r->config == config);
    const auto epochs = reopened.epochs(id);
    QCOMPARE(int(epochs.size()), 2);
    QVERIFY(std::isnan(epochs[0].emaValAccuracy) && std::isnan(epochs[0].emaValLoss));
    QCOMPARE(epochs[1].valAccuracy, 0.94);
    QCOMPARE(epochs[1].emaValAccuracy, 0.95);
    QCOMPARE(epochs[1].emaValLoss, 0.15);
    QVERIFY(epochs[0].valClassAccuracy.empty());
    QCOMPARE(int(epochs[1].valClassAccuracy.size()), 3);
    QCOMPARE(epochs[1].valClassAccuracy[1], 2.0 / 3.0); // exactly
    QVERIFY(std::isnan(epochs[1].valClassAccuracy[2]));
    QCOMPARE(epochs[1].weakestClass(), 1);
    QCOMPARE(reopened.epochs(id)[1].valLoss, 0.2);
    QCOMPARE(reopened.epochs(id)[1].runSeconds, 5.0); // the run's training time after epoch 2: 2.5 + 2.5
    QCOMPARE(int(reopened.batches(id).size()), 6);
}

void TestRunStore::deadProcessRunsBecomeInterrupted()
{
    QTemporaryDir dir;
    STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
    std::int64_t id = 0;
    {
        RunStore store(runs);
        id = store.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
        recordTwoEpochs(store, id);
    }
    // The run was started by a process that no longer exists (as after a kill -9).
    QVERIFY(test::markProcessGone(runs, id));
    RunStore reopened(runs);
    const auto r = reopened.run(id);
    QCOMPARE(r->status, QString("interrupted"));
    QVERIFY(r->resumable());
    QCOMPARE(r->epochsDone, 2); // committed epochs are kept
    QVERIFY(r->message.contains("resume"));
    // A live run of this very process stays running.
    const auto live = reopened.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    RunStore again(runs);
    QCOMPARE(again.run(live)->status, QString("running"));
}

void TestRunStore::anotherWritersCommitsAreNoticed()
{
    QTemporaryDir dir;
    STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
    RunStore viewer(runs), writer(runs);
    const auto stamp = viewer.changeStamp();
    const auto own = viewer.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    QCOMPARE(viewer.changeStamp(), stamp); // its own writes do not count
    const auto id = writer.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    QTRY_VERIFY(viewer.changeStamp() != stamp); // a server store hears of it through a notification
    const auto afterCreate = viewer.changeStamp();
    QCOMPARE(viewer.run(id)->status, QString("running"));
    recordTwoEpochs(writer, id);
    QTRY_VERIFY(viewer.changeStamp() != afterCreate);
    QCOMPARE(viewer.run(id)->epochsDone, 2);

    // The writer's process dies: the next check marks its run, once; this process's run stays.
    QVERIFY(test::markProcessGone(runs, id));
    QCOMPARE(viewer.markInterruptedRuns(), 1);
    QCOMPARE(viewer.markInterruptedRuns(), 0);
    QCOMPARE(writer.run(id)->status, QString("interrupted"));
    QCOMPARE(writer.run(own)->status, QString("running"));
}

void TestRunStore::finishedRunsKeepTheirStatusAndPartialBatches()
{
    QTemporaryDir dir;
    STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
    RunStore store(runs);
    const auto id = store.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    RunRecorder rec(store, id);
    rec.onBatch({0, 1, 2.3, 0.1, 0.01, 900, 0, 10});
    rec.onBatch({1, 1, 2.1, 0.2, 0.01, 950, 1, 10});
    FinishedEvent f;
    f.reason = FinishReason::StoppedByUser;
    f.message = "Stopped by user at epoch 1";
    f.seconds = 1.5;
    rec.onFinished(f);
    const auto r = store.run(id);
    QCOMPARE(r->status, QString("stopped"));
    QCOMPARE(r->message, QString("Stopped by user at epoch 1"));
    QVERIFY(r->ended.isValid());
    QCOMPARE(int(store.batches(id).size()), 2); // the unfinished epoch's batches are not lost
    store.markResumed(id);
    QCOMPARE(store.run(id)->status, QString("running"));
}

void TestRunStore::deleteRemovesRowsAndFiles()
{
    QTemporaryDir dir;
    STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
    RunStore store(runs);
    const auto keep = store.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    const auto gone = store.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    recordTwoEpochs(store, gone);
    QFile f(QDir(store.runDir(gone)).filePath("latest.pt"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x");
    f.close();
    store.rename(keep, "kept");
    store.setTags(keep, "baseline");
    store.deleteRun(gone);
    QVERIFY(!store.run(gone));
    QVERIFY(store.epochs(gone).empty());
    QVERIFY(!QDir(store.runDir(gone)).exists());
    QCOMPARE(int(store.runs().size()), 1);
    QCOMPARE(store.run(keep)->name, QString("kept"));
    QCOMPARE(store.run(keep)->tags, QString("baseline"));
}

void TestRunStore::exportsHistoryCsvAndJson()
{
    QTemporaryDir dir;
    STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
    RunStore store(runs);
    const auto id = store.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    recordTwoEpochs(store, id);
    exportHistoryCsv(store, id, dir.filePath("h.csv"));
    QFile csv(dir.filePath("h.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const auto lines = QString(csv.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines[0], QString("epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds,ema_val_loss,ema_val_acc,"
                               "val_acc_class_0,val_acc_class_1,val_acc_class_2"));
    QCOMPARE(lines[1], QString("1,0.5,0.85,0.4,0.92,0.01,2.5,,,,,"));
    QCOMPARE(lines[2], QString("2,0.25,0.9,0.2,0.94,0.01,2.5,0.15,0.95,1,0.66666667,"));
    exportJson(store, id, dir.filePath("r.json"));
    QFile json(dir.filePath("r.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const auto classes =
        QJsonDocument::fromJson(json.readAll()).object()["epochs"].toArray()[1].toObject()["val_class_acc"].toArray();
    QCOMPARE(classes.size(), 3);
    QCOMPARE(classes[1].toDouble(), 2.0 / 3.0);
    QVERIFY(classes[2].isNull());
}

void TestRunStore::serverProblemsAreOneSentence()
{
    QFETCH_GLOBAL(QString, backend);
    const QString server = test::postgresUrl();
    if (backend != "postgresql" || server.isEmpty())
        QSKIP("a PostgreSQL server store only");
    const auto refusal = [](const QString& location) -> QString {
        try {
            RunStore store(location);
        } catch (const StudioError& e) {
            return e.what();
        }
        return {};
    };
    QUrl wrong(server);
    wrong.setPassword("not-the-password");
    const auto password = refusal(wrong.toString());
    QVERIFY2(password.contains("password authentication failed"), qPrintable(password));
    QVERIFY2(!password.contains("not-the-password"), "the message shows the password");
    QUrl missing(server);
    missing.setPath("/no_such_database");
    QVERIFY(refusal(missing.toString()).contains("database \"no_such_database\" does not exist"));
    QUrl closed(server);
    closed.setPort(1);
    const auto unreachable = refusal(closed.toString());
    QVERIFY2(unreachable.startsWith("Cannot open the run store at postgresql://studio@127.0.0.1:1/"),
             qPrintable(unreachable));
    QVERIFY(!unreachable.contains('\n'));
    QVERIFY(refusal("postgresql://nohost").contains("is not a PostgreSQL location"));
}

void TestRunStore::serverStoresSharingAnArtifactsFolderKeepApart()
{
    QFETCH_GLOBAL(QString, backend);
    if (backend != "postgresql" || test::postgresUrl().isEmpty())
        QSKIP("a PostgreSQL server store only");
    QTemporaryDir dir;
    const QString shared = dir.filePath("artifacts");
    const QString first = test::freshStore(backend, shared);
    const QString second = test::freshStore(backend, shared); // another database, the same artifacts folder
    QString firstRun, secondRun;
    {
        RunStore a(first), b(second);
        firstRun = a.runDir(a.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1));
        secondRun = b.runDir(b.createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1));
    }
    QVERIFY2(firstRun != secondRun, qPrintable(firstRun));
    QVERIFY2(firstRun.startsWith(shared + "/t") && firstRun.endsWith("/run-1"), qPrintable(firstRun));
    QCOMPARE(RunStore(first).runDir(1), firstRun); // the folder is the store's, on every open
    // A store that had runs before stores were given folders keeps them at the top.
    const QString earlier = test::freshStore(backend, shared);
    RunStore(earlier).createRun(TrainConfig{}, DatasetInfo{.name = "MNIST"}, 1);
    QCOMPARE(test::execOnStore(earlier, "DROP TABLE artifacts"), 0);
    QCOMPARE(RunStore(earlier).runDir(1), shared + "/run-1");
}

STUDIO_TEST_GUILESS_MAIN(TestRunStore)
#include "tst_runstore.moc"
