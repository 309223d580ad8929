// A study as a sequence of launched runs: its table, and resuming a stopped study.
#include "runs/StudyRunner.h"
#include "support/Printers.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QTemporaryDir>
#include <QTest>

using namespace studio;

namespace {

/// Records what the runner says and can stop it when a given variant finishes its first epoch.
class Listener : public StudyListener, public TrainingObserver {
public:
    StudyRunner* runner = nullptr;
    std::size_t stopIn = 99;
    std::vector<std::size_t> launched, skipped;
    std::vector<bool> resumed;
    std::vector<std::int64_t> runIds;

    std::vector<TrainingObserver*> launching(std::size_t index, RunLauncher& launcher) override
    {
        m_current = index;
        launched.push_back(index);
        resumed.push_back(launcher.resumes());
        return {this};
    }
    void finished(std::size_t index, std::int64_t runId, const LaunchResult* result) override
    {
        if (!result)
            skipped.push_back(index);
        runIds.push_back(runId);
    }
    void onEpoch(const EpochRecord& e) override
    {
        if (m_current == stopIn && e.epoch == 1)
            runner->stop();
    }

private:
    std::size_t m_current = 0;
};

} // namespace

class TestStudyRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stoppedStudyContinuesWhereItStopped();
};

void TestStudyRunner::stoppedStudyContinuesWhereItStopped()
{
    QTemporaryDir dir;
    const QString folder = dir.filePath("data");
    test::writeIdxFolder(test::syntheticDataset(20, 5), folder);
    const auto data = std::make_shared<const Dataset>(loadDataset(folder.toStdString()));
    TrainConfig base;
    base.model = "tiny-v1";
    base.numEpochs = 2;
    base.batchSize = 32;
    base.threads = 1;
    const auto study = customStudy(base, "learning_rate", {"0.001", "0.003", "0.01"});
    RunStore store(dir.filePath("runs"));

    Listener first;
    StudyRunner runner(store, study, "lr study", data);
    first.runner = &runner;
    first.stopIn = 1; // during the second variant
    const auto stopped = runner.run(first);
    QVERIFY(!stopped.completed);
    QVERIFY2(QString::fromStdString(stopped.message).contains("stopped by the user"), stopped.message.c_str());
    QCOMPARE(first.launched, (std::vector<std::size_t>{0, 1}));
    QCOMPARE(store.run(first.runIds[0])->status, QString("completed"));
    QVERIFY(store.run(first.runIds[0])->testAccuracy >= 0);
    QCOMPARE(store.run(first.runIds[1])->status, QString("stopped"));

    Listener second;
    StudyRunner again(store, study, "lr study", data);
    second.runner = &again;
    const auto done = again.run(second);
    QVERIFY2(done.completed, done.message.c_str());
    QCOMPARE(done.skipped, std::size_t(1));
    QCOMPARE(second.skipped, (std::vector<std::size_t>{0}));
    QCOMPARE(second.launched, (std::vector<std::size_t>{1, 2}));
    QCOMPARE(second.resumed, (std::vector<bool>{true, false})); // the stopped variant continues
    QCOMPARE(second.runIds[0], first.runIds[0]);
    QCOMPARE(second.runIds[1], first.runIds[1]);
    QCOMPARE(store.runs().size(), std::size_t(3)); // one run per variant, none twice
    QCOMPARE(done.rows.size(), std::size_t(3));
    for (std::size_t i = 0; i < 3; ++i) {
        QCOMPARE(done.rows[i].runId, second.runIds[i]);
        QCOMPARE(done.rows[i].variant, study.variants[i].name);
        QVERIFY(done.rows[i].testAccuracy >= 0);
        QCOMPARE(store.epochs(done.rows[i].runId).size(), std::size_t(2)); // each epoch once
    }
    QCOMPARE(done.rows[1].testDifference, (done.rows[1].testAccuracy - done.rows[0].testAccuracy) * 100);

    // A third attempt has nothing left to train.
    Listener third;
    StudyRunner idle(store, study, "lr study", data);
    QVERIFY(idle.run(third).completed);
    QVERIFY(third.launched.empty());
    QCOMPARE(third.skipped.size(), std::size_t(3));
}

STUDIO_TEST_GUILESS_MAIN(TestStudyRunner)
#include "tst_studyrunner.moc"
