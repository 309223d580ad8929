// Sweeps: a search space expanded into runs (grid product, reproducible random draws, seeds), filed
// as queued runs, claimed by several connections without a run taken twice; the heartbeat that
// tells another host's live run from an abandoned one; a store of schema 3 brought up to date.
#include "runs/RunStore.h"
#include "runs/Sweeps.h"
#include "support/RunStoreEdits.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <set>

using namespace studio;

namespace {

SweepSpec smallSpec()
{
    SweepSpec spec;
    spec.base.model = "mlp";
    spec.base.seed = 5;
    spec.grid = {parseGridAxis("learning_rate=1e-3,3e-3,1e-2"), parseGridAxis("batch_size=64,128")};
    spec.seeds = 2;
    return spec;
}

DatasetInfo someData()
{
    DatasetInfo d;
    d.name = "MNIST";
    d.fingerprint = "abc";
    return d;
}

/// Sets a run's columns directly, as another process would have left them.
void setRunColumns(const QString& location, std::int64_t id, const QString& assignments)
{
    QCOMPARE(test::execOnStore(location, QString("UPDATE runs SET %1 WHERE id = %2").arg(assignments).arg(id)), 1);
}

} // namespace

class TestSweeps : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The store tests run on both backends: a SQLite folder and a database on a real PostgreSQL server.
    void initTestCase_data() { test::addStoreBackends(); }

    void gridIsTheProductTimesSeeds()
    {
        const auto points = expandSweep(smallSpec());
        QCOMPARE(points.size(), std::size_t(12));
        // The last axis varies fastest, then the seed.
        QCOMPARE(points[0].config.learningRate, 1e-3);
        QCOMPARE(points[0].config.batchSize, 64);
        QCOMPARE(points[0].config.seed, std::uint64_t(5));
        QCOMPARE(points[1].config.seed, std::uint64_t(6));
        QCOMPARE(points[2].config.batchSize, 128);
        QCOMPARE(points[11].config.learningRate, 1e-2);
        QCOMPARE(points[11].values["batch_size"].toInteger(), 128);
        QCOMPARE(points[11].values["seed"].toInteger(), 6);
        QCOMPARE(QString::fromStdString(points[3].config.name), QString("learning_rate=1e-3 batch_size=128 seed=6"));
        std::set<std::string> names;
        for (const auto& p : points)
            names.insert(p.config.name);
        QCOMPARE(names.size(), points.size());
    }

    void randomDrawsAreReproducibleAndInRange()
    {
        SweepSpec spec;
        spec.base.model = "mlp";
        spec.space = {parseRandomAxis("weight_decay=log:1e-6..1e-3"), parseRandomAxis("dropout_rate=0..0.5"),
                      parseRandomAxis("batch_size=16..256")};
        spec.randomSamples = 400;
        const auto a = expandSweep(spec), b = expandSweep(spec);
        QCOMPARE(a.size(), std::size_t(400));
        int belowGeometricMid = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(a[i].config, b[i].config);
            const auto& c = a[i].config;
            QVERIFY(c.weightDecay >= 1e-6 * 0.999 && c.weightDecay <= 1e-3 * 1.001);
            QVERIFY(c.dropoutRate >= 0 && c.dropoutRate <= 0.5);
            QVERIFY(c.batchSize >= 16 && c.batchSize <= 256);
            belowGeometricMid += c.weightDecay < std::sqrt(1e-6 * 1e-3);
        }
        // Log-uniform: half the draws below the geometric middle (a uniform draw puts ~3 % there).
        QVERIFY2(belowGeometricMid > 160 && belowGeometricMid < 240, qPrintable(QString::number(belowGeometricMid)));
        spec.base.seed += 1;
        QVERIFY(expandSweep(spec)[0].config != a[0].config);
    }

    void badAxesAreRefusedByName()
    {
        const auto refuses = [](auto parse, const char* text, const char* words) {
            try {
                parse(text);
            } catch (const StudioError& e) {
                QVERIFY2(QString(e.what()).contains(words), e.what());
                return;
            }
            QFAIL(text);
        };
        refuses(parseGridAxis, "learnin_rate=1,2", "Unknown config field \"learnin_rate\"");
        refuses(parseGridAxis, "batch_size=64,abc", "batch_size");
        refuses(parseGridAxis, "seed=1,2", "--seeds");
        refuses(parseGridAxis, "learning_rate", "FIELD=VALUES");
        refuses(parseRandomAxis, "dropout_rate=0.5..0.1", "low end");
        refuses(parseRandomAxis, "weight_decay=log:0..1e-3", "above 0");
        refuses(parseRandomAxis, "dropout_rate=0..2", "within");
        refuses(parseRandomAxis, "optimizer=0..1", "not numeric");
        refuses(parseRandomAxis, "learning_rate=1e-3", "LOW..HIGH");
        SweepSpec huge;
        huge.grid = {parseGridAxis("batch_size=1,2,3,4,5,6,7,8,9,10"),
                     parseGridAxis("num_epochs=1,2,3,4,5,6,7,8,9,10")};
        huge.seeds = 101;
        QVERIFY_THROWS_EXCEPTION(StudioError, expandSweep(huge));
        SweepSpec invalid;
        invalid.grid = {parseGridAxis("optimizer=sgd,adam")};
        invalid.base.momentum = 0.9;
        invalid.base.learningRate = 20; // out of range for every point
        QVERIFY_THROWS_EXCEPTION(StudioError, expandSweep(invalid));
        // An axis every run ignores: learning_rate under onecycle (its peak is max_lr), momentum
        // with Adam; the same axis is fine once some run uses it.
        SweepSpec ignored;
        ignored.base.scheduler = SchedulerKind::OneCycle;
        ignored.grid = {parseGridAxis("learning_rate=1e-3,3e-3")};
        refuses([&](const char*) { expandSweep(ignored); }, "onecycle", "learning_rate has no effect");
        ignored.grid.push_back(parseGridAxis("scheduler=onecycle,constant"));
        QCOMPARE(expandSweep(ignored).size(), std::size_t(4));
        SweepSpec momentum;
        momentum.base.optimizer = OptimizerKind::Adam;
        momentum.space = {parseRandomAxis("momentum=0.8..0.99")};
        momentum.randomSamples = 2;
        refuses([&](const char*) { expandSweep(momentum); }, "adam", "momentum has no effect");
    }

    void specRoundTripsThroughJson()
    {
        auto spec = smallSpec();
        spec.space = {parseRandomAxis("weight_decay=log:1e-6..1e-3")};
        spec.randomSamples = 2;
        spec.metric = "test_acc";
        const auto back = sweepSpecFromJson(toJson(spec));
        QCOMPARE(back.base, spec.base);
        QCOMPARE(back.grid.size(), std::size_t(2));
        QCOMPARE(back.grid[1].values, spec.grid[1].values);
        QVERIFY(back.space[0].logScale);
        QCOMPARE(back.randomSamples, 2);
        QCOMPARE(back.seeds, 2);
        QCOMPARE(back.metric, std::string("test_acc"));
        QCOMPARE(expandSweep(back).size(), expandSweep(spec).size());
    }

    void everyRunIsClaimedOnceAcrossConnections()
    {
        QTemporaryDir dir;
        STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
        RunStore a(runs), b(runs);
        const auto id = createSweep(a, "lr", smallSpec(), someData());
        const auto s = a.sweep(id);
        QCOMPARE(s->total, 12);
        QCOMPARE(s->queued, 12);
        QCOMPARE(a.sweepRuns(id).front().name, QString("lr learning_rate=1e-3 batch_size=64 seed=5"));
        std::set<std::int64_t> claimed;
        for (int i = 0; i < 12; ++i) {
            const auto got = (i % 2 ? b : a).claimSweepRun(id);
            QVERIFY(got > 0);
            QVERIFY2(claimed.insert(got).second, "a run was claimed twice");
        }
        QCOMPARE(a.claimSweepRun(id), std::int64_t(0));
        QCOMPARE(b.sweep(id)->running, 12);
        const auto run = a.run(*claimed.begin());
        QCOMPARE(run->status, QString("running"));
        QCOMPARE(run->pid, qint64(QCoreApplication::applicationPid()));
        QVERIFY(run->started.isValid());
    }

    void interruptedRunsAreClaimedFirstAndCancelStopsTheRest()
    {
        QTemporaryDir dir;
        STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
        RunStore store(runs);
        const auto id = createSweep(store, "lr", smallSpec(), someData());
        const auto first = store.claimSweepRun(id);
        store.finishRun(first, "interrupted", "worker died", 1.0);
        QCOMPARE(store.claimSweepRun(id), first);    // continued before new ones start
        QCOMPARE(store.claimSweepRun(0), first + 1); // 0: any active sweep
        QCOMPARE(store.cancelSweep(id), 10);
        QCOMPARE(store.claimSweepRun(id), std::int64_t(0));
        const auto s = store.sweep(id);
        QCOMPARE(s->status, QString("cancelled"));
        QCOMPARE(s->cancelled, 10);
        QCOMPARE(s->running, 2);
        QVERIFY_THROWS_EXCEPTION(StudioError, store.cancelSweep(99));
    }

    void anotherHostsRunIsAbandonedOnlyWhenItsHeartbeatIsOld()
    {
        QTemporaryDir dir;
        STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
        {
            RunStore store(runs);
            createSweep(store, "lr", smallSpec(), someData());
            store.claimSweepRun(0);
            store.claimSweepRun(0);
        }
        const auto now = QDateTime::currentSecsSinceEpoch();
        setRunColumns(runs, 1, QString("host = 'elsewhere', heartbeat = %1").arg(now - 5));
        setRunColumns(runs, 2, QString("host = 'elsewhere', heartbeat = %1").arg(now - 3600));
        RunStore store(runs); // opening settles abandoned runs
        QCOMPARE(store.run(1)->status, QString("running"));
        QCOMPARE(store.run(2)->status, QString("interrupted"));
        store.heartbeat(1);
        QVERIFY(store.run(1)->heartbeat.secsTo(QDateTime::currentDateTime()) <= 2);
        qputenv("MNIST_STUDIO_HEARTBEAT_TIMEOUT", "2");
        setRunColumns(runs, 1, QString("heartbeat = %1").arg(now - 5));
        QCOMPARE(store.markInterruptedRuns(), 1);
        qunsetenv("MNIST_STUDIO_HEARTBEAT_TIMEOUT");
        QCOMPARE(store.claimSweepRun(0), std::int64_t(1)); // another worker takes it over
    }

    void aStoreOfSchemaThreeGainsSweeps()
    {
        QTemporaryDir dir;
        STUDIO_FRESH_STORE(runs, dir.filePath("runs"));
        QString table = "CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT, tags TEXT DEFAULT '',"
                        " model TEXT, config TEXT, status TEXT, message TEXT DEFAULT '', dataset TEXT, study TEXT"
                        " DEFAULT '', started TEXT, ended TEXT, epochs_done INTEGER DEFAULT 0, best_epoch INTEGER"
                        " DEFAULT 0, best_val_acc REAL DEFAULT 0, best_val_loss REAL DEFAULT 0, test_acc REAL DEFAULT"
                        " -1, test_loss REAL DEFAULT -1, params INTEGER, seconds REAL DEFAULT 0, evaluation TEXT"
                        " DEFAULT '{}', pid INTEGER, host TEXT, data TEXT DEFAULT '', versions TEXT DEFAULT '',"
                        " world TEXT DEFAULT '')";
        const bool server = RunStore::isServerLocation(runs);
        if (server)
            table.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGSERIAL PRIMARY KEY");
        else
            QDir().mkpath(runs);
        QCOMPARE(test::execOnStore(runs, table), 0);
        QCOMPARE(test::execOnStore(runs, "INSERT INTO runs (name, model, config, status, dataset) VALUES ('old', "
                                         "'mlp', '{}', 'completed', 'MNIST')"),
                 1);
        if (server) {
            QCOMPARE(test::execOnStore(runs, "CREATE TABLE schema_version (version INTEGER)"), 0);
            QCOMPARE(test::execOnStore(runs, "INSERT INTO schema_version VALUES (3)"), 1);
        } else {
            QVERIFY(test::execOnStore(runs, "PRAGMA user_version = 3") >= 0);
        }
        RunStore store(runs);
        QCOMPARE(store.run(1)->status, QString("completed"));
        QCOMPARE(store.run(1)->sweep, std::int64_t(0));
        const auto id = createSweep(store, "lr", smallSpec(), someData());
        QCOMPARE(store.sweepRuns(id).size(), std::size_t(12));
        QCOMPARE(store.sweepRuns(id).front().id, std::int64_t(2));
    }

    void aSweepMetricPicksTheBestFinishedRun()
    {
        RunRecord a, b, c;
        a.id = 1, a.status = "completed", a.bestEpoch = 2, a.bestValAccuracy = 0.97, a.testAccuracy = 0.96;
        b.id = 2, b.status = "completed", b.bestEpoch = 1, b.bestValAccuracy = 0.95, b.testAccuracy = 0.98;
        c.id = 3, c.status = "running", c.bestEpoch = 1, c.bestValAccuracy = 0.99;
        QCOMPARE(bestSweepRun({a, b, c}, "val_acc")->id, std::int64_t(1));
        QCOMPARE(bestSweepRun({a, b, c}, "test_acc")->id, std::int64_t(2));
        QVERIFY(!bestSweepRun({c}, "val_acc"));
        QCOMPARE(sweepMetric(c, "val_acc"), -1.0);
    }
};

STUDIO_TEST_GUILESS_MAIN(TestSweeps)
#include "tst_sweeps.moc"
