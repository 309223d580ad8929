// Sweep workers as separate processes on one store: three workers share a 12-run sweep and train
// every run exactly once; a worker killed mid-run (SIGKILL after its first epoch's commit) leaves its
// run to another, which continues it from the checkpoint with no epoch or step recorded twice.
#include "support/CliRunner.h"
#include "support/RunStoreEdits.h"
#include "support/SyntheticData.h"

#include "runs/RunStore.h"
#include "support/TestMain.h"

#include <QDir>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QUrl>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace studio;

namespace {

constexpr int kSweepRunEpochs = 2;
/// How long a worker may take over its whole share: a release build needs well under a minute, the
/// sanitized one (scripts/test-sanitized.sh) several times that on a busy machine.
constexpr int kWorkerMs = 600000;

QStringList createArgs(const QString& grid)
{
    return {"sweep",        "create", "--model",        "mlp", "--num-epochs", QString::number(kSweepRunEpochs),
            "--threads",    "1",      "--grid",         grid,  "--seeds",      "2",
            "--batch-size", "32",     "--val-fraction", "0.2", "--limit-test", "50",
            "--name",       "w"};
}

QProcess* startWorker(const QString& data, const QString& runs, const QString& killAt = {})
{
    auto* p = new QProcess;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_DATA", data);
    env.insert("MNIST_STUDIO_RUNS", runs);
    if (!killAt.isEmpty())
        env.insert("MNIST_STUDIO_KILL_AT", killAt);
    p->setProcessEnvironment(env);
    p->start(qEnvironmentVariable("STUDIO_CLI"), {"worker", "--sweep", "1"});
    p->waitForStarted();
    return p;
}

/// A worker's output up to the line holding `text` (or all of it, should the worker end first).
QByteArray readUntil(QProcess& worker, const char* text)
{
    QByteArray out;
    while (!out.contains(text) && worker.state() == QProcess::Running) {
        worker.waitForReadyRead(100);
        out += worker.readAllStandardOutput();
    }
    return out;
}

/// Every run of the sweep completed and scored, epochs 1..kEpochs once each, steps contiguous.
void checkEveryRunComplete(const QString& runs, int expected, int epochCount = kSweepRunEpochs)
{
    RunStore store(runs);
    const auto sweepRuns = store.sweepRuns(1);
    QCOMPARE(int(sweepRuns.size()), expected);
    for (const auto& r : sweepRuns) {
        QVERIFY2(r.status == "completed", qPrintable(QString("run %1: %2 %3").arg(r.id).arg(r.status, r.message)));
        QVERIFY(r.testAccuracy >= 0);
        const auto epochs = store.epochs(r.id);
        QCOMPARE(int(epochs.size()), epochCount);
        for (int e = 0; e < epochCount; ++e)
            QCOMPARE(epochs[e].epoch, e + 1);
        const auto batches = store.batches(r.id);
        for (std::size_t i = 0; i < batches.size(); ++i)
            QCOMPARE(batches[i].step, std::int64_t(i));
        QCOMPARE(std::int64_t(batches.size()), store.recordedSteps(r.id));
        QVERIFY(QFile::exists(store.runDir(r.id) + "/latest.pt"));
    }
    QCOMPARE(store.sweep(1)->status, QString("finished"));
}

/// How many times each run id was started ("run N \"…\": starting") in the workers' outputs.
std::map<int, int> starts(const QStringList& outputs)
{
    std::map<int, int> out;
    static const QRegularExpression started("^run (\\d+) \"[^\"]*\": starting$", QRegularExpression::MultilineOption);
    for (const auto& o : outputs)
        for (auto it = started.globalMatch(o); it.hasNext();)
            ++out[it.next().captured(1).toInt()];
    return out;
}

} // namespace

class TestSweepWorkers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Each test runs on both backends: a SQLite folder and a database on a real PostgreSQL server.
    void initTestCase_data() { test::addStoreBackends(); }

    void initTestCase()
    {
        m_data = m_dir.filePath("data");
        test::writeIdxFolder(test::syntheticDataset(25, 5), m_data);
    }

    void threeWorkersTrainEveryRunOnce()
    {
        QTemporaryDir dir;
        STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
        const auto made = test::runCli(createArgs("learning_rate=1e-3,3e-3,1e-2,3e-2,0.1,0.3"), m_data, runs);
        QVERIFY2(made.code == 0, qPrintable(made.err));
        QVERIFY(made.out.contains("12 runs queued"));
        std::vector<std::unique_ptr<QProcess>> workers;
        for (int i = 0; i < 3; ++i)
            workers.emplace_back(startWorker(m_data, runs));
        QStringList outputs;
        std::vector<int> taken;
        for (auto& w : workers) {
            QVERIFY(w->waitForFinished(kWorkerMs));
            QCOMPARE(w->exitCode(), 0);
            outputs << QString::fromUtf8(w->readAllStandardOutput());
            const auto m = QRegularExpression("worker \\d+: (\\d+) runs taken").match(outputs.back());
            QVERIFY2(m.hasMatch(), qPrintable(outputs.back()));
            taken.push_back(m.captured(1).toInt());
        }
        QCOMPARE(taken[0] + taken[1] + taken[2], 12);
        const auto started = starts(outputs);
        QCOMPARE(int(started.size()), 12);
        for (const auto& [run, times] : started)
            QVERIFY2(times == 1, qPrintable(QString("run %1 started %2 times").arg(run).arg(times)));
        checkEveryRunComplete(runs, 12);
        const auto shown = test::runCli({"sweep", "show", "1"}, m_data, runs);
        QVERIFY(shown.out.contains("12/12 done"));
        QVERIFY(shown.out.contains("best: run "));
    }

    void aKilledWorkersRunIsFinishedByAnother()
    {
        QTemporaryDir dir;
        STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
        QCOMPARE(test::runCli(createArgs("learning_rate=1e-3,3e-3"), m_data, runs).code, 0);
        // The first worker dies after committing epoch 1 of its first run, mid-run.
        std::unique_ptr<QProcess> doomed(startWorker(m_data, runs, "epoch-committed:1"));
        QVERIFY(doomed->waitForFinished(120000));
        QCOMPARE(doomed->exitStatus(), QProcess::CrashExit);
        {
            RunStore store(runs); // opening finds the holder dead
            QCOMPARE(store.run(1)->status, QString("interrupted"));
            QCOMPARE(store.epochs(1).size(), std::size_t(1));
        }
        std::unique_ptr<QProcess> a(startWorker(m_data, runs)), b(startWorker(m_data, runs));
        QVERIFY(a->waitForFinished(kWorkerMs) && b->waitForFinished(kWorkerMs));
        QCOMPARE(a->exitCode(), 0);
        QCOMPARE(b->exitCode(), 0);
        const QStringList outputs{QString::fromUtf8(a->readAllStandardOutput()),
                                  QString::fromUtf8(b->readAllStandardOutput())};
        QVERIFY2(outputs.join("").contains(QRegularExpression("run 1 \"[^\"]*\": continuing at epoch 2")),
                 qPrintable(outputs.join("\n")));
        const auto started = starts(outputs);
        QCOMPARE(int(started.size()), 3); // runs 2–4 started afresh, run 1 continued
        QVERIFY(!started.count(1));
        checkEveryRunComplete(runs, 4);
    }

    void aWorkerOutlivesAServerRestart()
    {
        QFETCH_GLOBAL(QString, backend);
        if (backend != "postgresql")
            QSKIP("a PostgreSQL server store only");
        STUDIO_SKIP_WHEN_INSTRUMENTED("420 epochs through two outages, ~6 minutes instrumented");
        // A server of its own (the shared one serves the other tests meanwhile), in a folder its
        // unprivileged user can reach.
        const QString script = qEnvironmentVariable("MNIST_STUDIO_SOURCE") + "/scripts/postgres-for-tests.sh";
        const QString serverDir = QString("/tmp/mnist-studio-restart-%1").arg(QCoreApplication::applicationPid());
        QCOMPARE(QProcess::execute(script, {"start", serverDir}), 0);
        const auto stopServer = qScopeGuard([&] { QProcess::execute(script, {"stop", serverDir}); });
        QFile urlFile(serverDir + "/url");
        QVERIFY(urlFile.open(QIODevice::ReadOnly));
        const QString server = QString::fromUtf8(urlFile.readAll()).trimmed();
        QVERIFY(test::execOnStore(server, "CREATE DATABASE restart") >= 0);
        QUrl url(server);
        url.setPath("/restart");
        const QString runs = url.toString();
        QTemporaryDir dir;
        qputenv("MNIST_STUDIO_ARTIFACTS", dir.filePath("runs").toUtf8());
        auto args = createArgs("learning_rate=1e-3");
        args[args.indexOf("--num-epochs") + 1] = "300";
        args[args.indexOf("--seeds") + 1] = "1";
        QCOMPARE(test::runCli(args, m_data, runs).code, 0);

        // Stop the server for 5 s while the worker trains: it keeps training (epochs go on being
        // printed while the server is down) and writes the epochs it kept once the server is back.
        std::unique_ptr<QProcess> worker(startWorker(m_data, runs));
        QByteArray out = readUntil(*worker, "run 1 epoch 2/");
        QProcess restart;
        restart.start(script, {"restart", serverDir, "5"});
        QElapsedTimer clock;
        clock.start();
        std::vector<std::pair<qint64, int>> epochLines; // (ms since the stop began, epoch lines read)
        while (!restart.waitForFinished(20)) {
            worker->waitForReadyRead(30);
            const QByteArray chunk = worker->readAllStandardOutput();
            out += chunk;
            epochLines.emplace_back(clock.elapsed(), int(chunk.count(" epoch ")));
        }
        QVERIFY2(restart.exitCode() == 0, restart.readAllStandardError().constData());
        const qint64 back = clock.elapsed();
        int whileDown = 0; // well inside the outage: after the stop, before the start
        for (const auto& [at, lines] : epochLines)
            if (at > 1500 && at < back - 1000)
                whileDown += lines;
        QVERIFY2(whileDown > 0, out.constData());
        QVERIFY(worker->waitForFinished(kWorkerMs));
        out += worker->readAllStandardOutput();
        QVERIFY2(worker->exitCode() == 0, (out + worker->readAllStandardError()).constData());
        QVERIFY2(out.contains("run 1: the run store was out of reach"), out.constData());
        checkEveryRunComplete(runs, 1, 300);

        // A worker killed while the server is away dies with epochs it could not write: their
        // checkpoints were left staged, so the next worker continues from the last recorded epoch
        // (no gap, no epoch twice).
        QVERIFY(test::execOnStore(server, "CREATE DATABASE killed") >= 0);
        url.setPath("/killed");
        const QString killedRuns = url.toString();
        qputenv("MNIST_STUDIO_ARTIFACTS", dir.filePath("killed").toUtf8()); // another store: other folders
        args[args.indexOf("--num-epochs") + 1] = "120";
        QCOMPARE(test::runCli(args, m_data, killedRuns).code, 0);
        std::unique_ptr<QProcess> doomed(startWorker(m_data, killedRuns));
        const QByteArray doomedOut = readUntil(*doomed, "run 1 epoch 2/");
        QProcess outage;
        outage.start(script, {"restart", serverDir, "4"});
        QTest::qWait(2500);
        QVERIFY2(doomed->state() == QProcess::Running,
                 (doomedOut + doomed->readAllStandardOutput() + doomed->readAllStandardError()).constData());
        doomed->kill();
        doomed->waitForFinished();
        QVERIFY(outage.waitForFinished(30000));
        QCOMPARE(outage.exitCode(), 0);
        std::unique_ptr<QProcess> next(startWorker(m_data, killedRuns));
        QVERIFY(next->waitForFinished(kWorkerMs));
        const QByteArray nextOut = next->readAllStandardOutput();
        QVERIFY2(next->exitCode() == 0, (nextOut + next->readAllStandardError()).constData());
        QVERIFY2(nextOut.contains("continuing at epoch"), nextOut.constData());
        checkEveryRunComplete(killedRuns, 1, 120);
    }

    void badSweepCommandsSayWhatIsWrong()
    {
        QTemporaryDir dir;
        STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
        const auto noAxis = test::runCli({"sweep", "create", "--model", "mlp"}, m_data, runs);
        QCOMPARE(noAxis.code, 1);
        QVERIFY(noAxis.err.contains("needs something to vary"));
        const auto badField = test::runCli({"sweep", "create", "--grid", "learnin_rate=1,2"}, m_data, runs);
        QCOMPARE(badField.code, 1);
        QVERIFY(badField.err.contains("Unknown config field \"learnin_rate\""));
        const auto noDraws = test::runCli({"sweep", "create", "--space", "dropout_rate=0..0.5"}, m_data, runs);
        QVERIFY(noDraws.err.contains("--random N"));
        const auto missing = test::runCli({"sweep", "show", "7"}, m_data, runs);
        QCOMPARE(missing.code, 1);
        QVERIFY(missing.err.contains("No sweep 7"));
        const auto action = test::runCli({"sweep", "frobnicate"}, m_data, runs);
        QVERIFY(action.err.contains("Unknown sweep action"));
        const auto worker = test::runCli({"worker", "--sweep", "3"}, m_data, runs);
        QVERIFY2(worker.code == 1,
                 qPrintable(QString("exit code %1: %2%3").arg(worker.code).arg(worker.out, worker.err)));
        QVERIFY(worker.err.contains("No sweep 3"));
        QCOMPARE(test::runCli({"sweep", "list"}, m_data, runs).out.trimmed(),
                 "no sweeps in " + RunStore(runs).location());
    }

private:
    QTemporaryDir m_dir;
    QString m_data;
};

STUDIO_TEST_GUILESS_MAIN(TestSweepWorkers)
#include "tst_sweepworkers.moc"
