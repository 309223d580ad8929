// The one place that runs a run: new runs, resumed runs, test evaluation, refusals that leave
// the store as it was.
#include "evaluation/ModelEvaluation.h"
#include "runs/RunLauncher.h"
#include "support/Printers.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QCoreApplication>
#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <thread>

using namespace studio;

namespace {

TrainConfig tinyConfig(int epochs)
{
    TrainConfig c;
    c.model = "tiny-v1";
    c.numEpochs = epochs;
    c.batchSize = 32;
    c.threads = 1;
    return c;
}

} // namespace

class TestRunLauncher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void newRunIsRecordedAndScoredOnTheTestSplit();
    void stoppedRunResumesInPlace();
    void refusalsLeaveTheStoreAsItWas();
    void aPausedRunKeepsItsHeartbeat();

private:
    QTemporaryDir m_dir;
    std::shared_ptr<const Dataset> m_data;
    QString m_folder;
};

void TestRunLauncher::initTestCase()
{
    qputenv("MNIST_STUDIO_DATA", "");
    m_folder = m_dir.filePath("data/blocks");
    test::writeIdxFolder(test::syntheticDataset(30, 10), m_folder);
    m_data = std::make_shared<const Dataset>(loadDataset(m_folder.toStdString()));
}

void TestRunLauncher::newRunIsRecordedAndScoredOnTheTestSplit()
{
    RunStore store(m_dir.filePath("new"));
    RunLauncher launcher(store, {tinyConfig(2), m_data, 0, {}, "a study", true});
    QCOMPARE(store.run(launcher.runId())->status, QString("running"));
    QCOMPARE(launcher.parameters(), std::int64_t(7720));
    const auto result = launcher.run();
    QCOMPARE(result.finished.reason, FinishReason::Completed);
    QVERIFY2(result.evaluated, result.evaluationError.c_str());
    const auto run = store.run(launcher.runId());
    QCOMPARE(run->status, QString("completed"));
    QCOMPARE(run->epochsDone, 2);
    QCOMPARE(run->study, QString("a study"));
    QCOMPARE(store.epochs(launcher.runId()).size(), std::size_t(2));
    // The stored test result is the best checkpoint's, on this data's test split.
    const auto e = evaluateModel(loadModelFromCheckpoint(store.checkpoint(launcher.runId())), *m_data, "test");
    QCOMPARE(result.testAccuracy, e.accuracy);
    QCOMPARE(run->testAccuracy, e.accuracy);
    QCOMPARE(e.scores.size(), qint64(100));
}

void TestRunLauncher::stoppedRunResumesInPlace()
{
    RunStore store(m_dir.filePath("resume"));
    std::int64_t id = 0;
    {
        RunLauncher first(store, {tinyConfig(3), m_data});
        id = first.runId();
        test::StopAtEpoch stop;
        stop.trainer = &first.trainer();
        QCOMPARE(first.run({&stop}).finished.reason, FinishReason::StoppedByUser);
    }
    QCOMPARE(store.run(id)->status, QString("stopped"));
    LaunchRequest request;
    request.resumeId = id;
    request.search.folders.push_back({m_folder.toStdString(), "from --data"});
    RunLauncher again(store, request);
    QVERIFY(again.resumes());
    QCOMPARE(again.runId(), id);
    QCOMPARE(again.trainer().position().epoch, 1);
    QCOMPARE(store.run(id)->status, QString("running"));
    // A run has one writer: while this launcher holds it, another resume is refused, naming it.
    const auto holder = "being trained by process " + QString::number(QCoreApplication::applicationPid());
    try {
        RunLauncher second(store, request);
        QFAIL("a run being trained was resumed a second time");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains(holder), e.what());
    }
    RunStore other(store.folder()); // the claim itself, from another connection
    QVERIFY_THROWS_EXCEPTION(StudioError, other.markResumed(id));
    QCOMPARE(other.run(id)->status, QString("running"));
    QCOMPARE(again.run().finished.reason, FinishReason::Completed);
    QCOMPARE(store.runs().size(), std::size_t(1)); // the same run, not a new one
    QCOMPARE(store.run(id)->epochsDone, 3);
    QCOMPARE(store.epochs(id).size(), std::size_t(3));
    QCOMPARE(store.run(id)->testAccuracy, -1.0); // not asked to evaluate
}

void TestRunLauncher::refusalsLeaveTheStoreAsItWas()
{
    RunStore store(m_dir.filePath("refused"));
    auto bad = tinyConfig(1);
    bad.learningRate = 0;
    QVERIFY_THROWS_EXCEPTION(StudioError, RunLauncher(store, {bad, m_data}));
    auto empty = tinyConfig(1);
    empty.limitTrain = 1;
    empty.valFraction = 0.9; // the one image goes to validation: nothing to train on
    try {
        RunLauncher launcher(store, {empty, m_data});
        QFAIL("a run without training images was launched");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("training split is empty"), e.what());
    }
    QVERIFY(store.runs().empty()); // the run made before the trainer refused is gone again
    QVERIFY(!QDir(store.runDir(1)).exists());

    std::int64_t id = 0;
    {
        RunLauncher done(store, {tinyConfig(1), m_data});
        id = done.runId();
        done.run();
    }
    LaunchRequest again;
    again.resumeId = id;
    try {
        RunLauncher launcher(store, again);
        QFAIL("a completed run was resumed");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("nothing to resume"), e.what());
    }
    QCOMPARE(store.run(id)->status, QString("completed"));
}

// Other hosts take a run whose heartbeat is old as abandoned: a run paused in the window for
// minutes is still held, so its heartbeat goes on while it waits.
void TestRunLauncher::aPausedRunKeepsItsHeartbeat()
{
    const QString folder = m_dir.filePath("paused");
    RunStore store(folder);
    RunLauncher launcher(store, {tinyConfig(2), m_data, 0, {}, {}, false});
    struct PauseAtFirstBatch : TrainingObserver {
        Trainer* trainer = nullptr;
        std::atomic<bool> paused{false};
        void onBatch(const BatchRecord&) override
        {
            if (!paused.exchange(true))
                trainer->pause();
        }
    } pauser;
    pauser.trainer = &launcher.trainer();
    const auto id = launcher.runId();
    qint64 before = 0, after = 0;
    std::thread watcher([&] {
        while (!pauser.paused)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        {
            RunStore other(folder); // this thread's own connection
            before = other.run(id)->heartbeat.toSecsSinceEpoch();
            std::this_thread::sleep_for(std::chrono::milliseconds(6500));
            after = other.run(id)->heartbeat.toSecsSinceEpoch();
        }
        launcher.trainer().stop();
    });
    const auto result = launcher.run({&pauser});
    watcher.join();
    QCOMPARE(result.finished.reason, FinishReason::StoppedByUser);
    QVERIFY2(after - before >= 5, qPrintable(QString("heartbeat %1 → %2").arg(before).arg(after)));
}

STUDIO_TEST_GUILESS_MAIN(TestRunLauncher)
#include "tst_runlauncher.moc"
