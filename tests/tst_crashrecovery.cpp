// Crash consistency: a training process killed (SIGKILL) at any instant — at each point of an
// epoch's commit ($MNIST_STUDIO_KILL_AT, util/KillPoint.h), after an epoch line, at a random moment,
// several times in a row — leaves a run that resumes to the same end as an uninterrupted one: status
// completed, every epoch and step recorded once, the same weights (one thread, fixed seed).
#include "support/CliRunner.h"
#include "support/SyntheticData.h"

#include "runs/RunStore.h"
#include "training/Checkpoint.h"
#include "support/TestMain.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace studio;

namespace {

constexpr int kCrashRunEpochs = 3;

/// One process's fate: killed by the hook at `killAt`, or from outside after the `afterEpochLine`-th
/// epoch line or after `afterMs` milliseconds; none of them: it runs to its end.
struct Kill {
    QString killAt;
    int afterEpochLine = 0;
    int afterMs = 0;
};

struct Scenario {
    QString name;
    std::vector<Kill> kills; ///< the first for `train`, the next for each `resume`
};

} // namespace

Q_DECLARE_METATYPE(Scenario)

class TestCrashRecovery : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void killedRunsResumeToTheUninterruptedResult_data();
    void killedRunsResumeToTheUninterruptedResult();
    void aRunKilledBeforeItsFirstCheckpointStartsOver();
    void aCheckpointOfAnotherRunIsRefused();

private:
    /// Runs the CLI in `runs` (killed as `kill` says); true when it was killed.
    bool runCli(const QString& runs, const QStringList& args, const Kill& kill = {});
    QStringList trainArgs() const;
    QTemporaryDir m_dir;
    QString m_data;
    QString m_reference; ///< latest.pt of the uninterrupted run
    qint64 m_referenceMs = 0;
    int m_steps = 0;
};

QStringList TestCrashRecovery::trainArgs() const
{
    return {"train",
            "--model",
            "mlp",
            "--num-epochs",
            QString::number(kCrashRunEpochs),
            "--batch-size",
            "32",
            "--threads",
            "1",
            "--seed",
            "11",
            "--val-fraction",
            "0.2",
            "--limit-test",
            "20"};
}

bool TestCrashRecovery::runCli(const QString& runs, const QStringList& args, const Kill& kill)
{
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_DATA", m_data);
    env.insert("MNIST_STUDIO_RUNS", runs);
    if (!kill.killAt.isEmpty())
        env.insert("MNIST_STUDIO_KILL_AT", kill.killAt);
    p.setProcessEnvironment(env);
    p.start(test::cliPath(), args);
    if (!p.waitForStarted())
        return false;
    if (kill.afterEpochLine > 0) {
        const QByteArray line = "epoch " + QByteArray::number(kill.afterEpochLine) + "/";
        QByteArray out;
        while (!out.contains(line) && p.state() == QProcess::Running) {
            p.waitForReadyRead(100);
            out += p.readAllStandardOutput();
        }
        p.kill();
    } else if (kill.afterMs > 0) {
        if (!p.waitForFinished(kill.afterMs))
            p.kill();
    }
    p.waitForFinished(120000);
    return p.exitStatus() == QProcess::CrashExit;
}

void TestCrashRecovery::initTestCase()
{
    m_data = m_dir.filePath("data");
    test::writeIdxFolder(test::syntheticDataset(40, 2), m_data);
    const QString runs = m_dir.filePath("reference");
    QElapsedTimer t;
    t.start();
    QVERIFY(!runCli(runs, trainArgs()));
    m_referenceMs = t.elapsed();
    m_reference = runs + "/run-1/latest.pt";
    RunStore store(runs);
    QCOMPARE(store.run(1)->status, QString("completed"));
    m_steps = int(store.recordedSteps(1));
    QCOMPARE(m_steps, kCrashRunEpochs * 10); // 320 training images in batches of 32
}

void TestCrashRecovery::killedRunsResumeToTheUninterruptedResult_data()
{
    QTest::addColumn<Scenario>("scenario");
    const auto add = [](const QString& name, std::vector<Kill> kills) {
        QTest::newRow(qPrintable(name)) << Scenario{name, std::move(kills)};
    };
    // Epoch e writes latest.pt (and best.pt when it improved) staged, commits, then moves them in.
    for (int n = 1; n <= 5; ++n)
        add(QString("during checkpoint write %1").arg(n), {{QString("checkpoint-write:%1").arg(n)}});
    for (int e = 1; e <= kCrashRunEpochs; ++e) {
        add(QString("latest staged, epoch %1").arg(e), {{QString("latest-staged:%1").arg(e)}});
        add(QString("epoch %1 committed, checkpoints staged").arg(e), {{QString("epoch-committed:%1").arg(e)}});
        add(QString("epoch %1 checkpoints in place").arg(e), {{QString("checkpoint-committed:%1").arg(e)}});
        add(QString("after epoch line %1").arg(e), {{{}, e}});
    }
    add("best staged, epoch 1", {{"best-staged:1"}});
    add("all epochs done, not finished", {{"finishing"}});
    // At random moments (reproducible: a fixed seed), some during the resume as well.
    std::mt19937 random(5);
    for (int i = 0; i < 5; ++i) {
        const int ms = 300 + int(random() % 2500);
        add(QString("after %1 ms, then again").arg(ms), {{{}, 0, ms}, {{}, 0, 300 + int(random() % 1500)}});
    }
    add("killed in three sessions in a row",
        {{"epoch-committed:1"}, {"checkpoint-write:2"}, {"latest-staged:1"}, {"checkpoint-committed:1"}});
}

void TestCrashRecovery::killedRunsResumeToTheUninterruptedResult()
{
    QFETCH(Scenario, scenario);
    const QString runs = m_dir.filePath(scenario.name).replace(' ', '-');
    bool anyKilled = false;
    for (std::size_t i = 0; i < scenario.kills.size(); ++i) {
        const auto& kill = scenario.kills[i];
        // Killed before it made the run (at start-up), it is trained anew.
        const bool made = i > 0 && RunStore(runs).run(1).has_value();
        const bool killed = runCli(runs, made ? QStringList{"resume", "--run", "1"} : trainArgs(), kill);
        if (!kill.killAt.isEmpty() || kill.afterEpochLine > 0)
            QVERIFY2(killed, qPrintable("the process was not killed at " + kill.killAt));
        anyKilled |= killed;
        if (!killed)
            break; // it ran to its end
    }
    QVERIFY(anyKilled || scenario.kills.front().afterMs > 0);
    // Resume until it is done (opening the store settles a run whose every epoch is recorded).
    for (int attempt = 0; attempt < 2; ++attempt) {
        const auto run = RunStore(runs).run(1);
        if (run && run->status == "completed")
            break;
        QVERIFY(!runCli(runs, run ? QStringList{"resume", "--run", "1"} : trainArgs()));
    }
    RunStore store(runs);
    const auto run = store.run(1);
    QVERIFY(run);
    QCOMPARE(run->status, QString("completed"));
    QCOMPARE(run->epochsDone, kCrashRunEpochs);
    const auto epochs = store.epochs(1);
    QCOMPARE(int(epochs.size()), kCrashRunEpochs);
    for (int e = 0; e < kCrashRunEpochs; ++e)
        QCOMPARE(epochs[std::size_t(e)].epoch, e + 1);
    const auto batches = store.batches(1);
    QCOMPARE(int(batches.size()), m_steps);
    QCOMPARE(batches.back().step, std::int64_t(m_steps - 1));
    const auto left = QDir(store.runDir(1)).entryList(QDir::Files);
    QVERIFY2(left.filter(".pending").isEmpty() && left.size() == 3, qPrintable(left.join(", "))); // + config.json

    const auto reference = loadModelFromCheckpoint(m_reference);
    const auto resumed = loadModelFromCheckpoint(store.runDir(1) + "/latest.pt");
    QCOMPARE(resumed.meta.position.step, std::int64_t(m_steps));
    const auto want = reference.model->named_parameters();
    for (const auto& p : resumed.model->named_parameters())
        QVERIFY2(torch::equal(p.value(), want[p.key()]), qPrintable(QString::fromStdString(p.key())));
}

void TestCrashRecovery::aRunKilledBeforeItsFirstCheckpointStartsOver()
{
    const QString runs = m_dir.filePath("first-epoch");
    QVERIFY(runCli(runs, trainArgs(), {"checkpoint-write:1"}));
    QVERIFY(!QFile::exists(runs + "/run-1/latest.pt"));
    QCOMPARE(RunStore(runs).run(1)->status, QString("interrupted"));
    const auto r = test::runCli({"resume", "--run", "1"}, m_data, runs);
    const QString out = r.out + r.err;
    QVERIFY2(r.code == 0, qPrintable(out));
    QVERIFY2(out.contains("epoch 1/3:"), qPrintable(out)); // from the start
    QCOMPARE(RunStore(runs).run(1)->status, QString("completed"));
}

void TestCrashRecovery::aCheckpointOfAnotherRunIsRefused()
{
    const QString runs = m_dir.filePath("swapped");
    QVERIFY(runCli(runs, trainArgs(), {"checkpoint-committed:1"})); // run 1: interrupted after epoch 1
    QVERIFY(!runCli(runs, {"train", "--model", "tiny-v1", "--num-epochs", "1", "--threads", "1"})); // run 2
    QFile::remove(runs + "/run-1/latest.pt");
    QVERIFY(QFile::copy(runs + "/run-2/latest.pt", runs + "/run-1/latest.pt"));
    const auto r = test::runCli({"resume", "--run", "1"}, m_data, runs);
    const QString err = r.err;
    QCOMPARE(r.code, 1);
    QVERIFY2(err.contains("latest.pt holds a tiny-v1 model of another configuration than run 1 records: it belongs to "
                          "another run."),
             qPrintable(err));
    QCOMPARE(RunStore(runs).run(1)->status, QString("interrupted")); // nothing changed
}

STUDIO_TEST_GUILESS_MAIN(TestCrashRecovery)
#include "tst_crashrecovery.moc"
