// The Runs page's Sweeps tab, offscreen, with real worker processes: a sweep made from a base
// configuration, trained by two local workers, read on the parallel coordinates (brushes filter
// the runs table), its best run sent to Analyze, its runs compared coloured by a field, and workers
// stopped mid-run leaving a resumable run.
#include "DataSource.h"
#include "ParallelAxes.h"
#include "ParallelCoordinates.h"
#include "RunComparisonView.h"
#include "RunsPage.h"
#include "RunsService.h"
#include "RunsTableModel.h"
#include "SweepForm.h"
#include "SweepPanel.h"
#include "SweepWorkers.h"
#include "TrainingSession.h"

#include "runs/Sweeps.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QElapsedTimer>
#include <QFile>
#include <QMouseEvent>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace studio;
using namespace studio::ui;

namespace {

TrainConfig sweepConfig()
{
    TrainConfig c;
    c.model = "mlp";
    c.numEpochs = 2;
    c.batchSize = 32;
    c.threads = 1;
    c.valFraction = 0.2;
    c.limitTest = 50;
    c.scheduler = SchedulerKind::Constant;
    c.augment.enabled = false;
    return c;
}

/// The Runs page over a store, its dataset loaded, shown offscreen.
struct Studio {
    Studio(const QString& store, const QString& data)
        : runs(store), session(store), source(data), page(&session, &source, &runs)
    {
        source.load(data);
        page.resize(1400, 900);
        page.show();
    }
    RunsService runs;
    TrainingSession session;
    DataSource source;
    RunsPage page;
};

void mouse(QWidget* w, QEvent::Type type, QPointF at, Qt::MouseButtons buttons)
{
    QMouseEvent e(type, at, w->mapToGlobal(at), type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton, buttons,
                  Qt::NoModifier);
    QCoreApplication::sendEvent(w, &e);
}

} // namespace

class TestSweepPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        test::writeIdxFolder(test::syntheticDataset(30, 10), m_dir.filePath("data"));
    }

    void aSweepIsCreatedTrainedBrushedAndItsBestAnalyzed()
    {
        Studio s(m_dir.filePath("runs"), m_dir.filePath("data"));
        QTRY_VERIFY_WITH_TIMEOUT(s.source.dataset() != nullptr, 20000);
        auto* panel = s.page.sweeps();
        auto config = sweepConfig();
        panel->setBaseConfig([&] { return config; });
        auto* form = panel->form();

        // Bad input: named, nothing filed.
        QVERIFY(panel->createSweep().contains("something to vary"));
        QVERIFY(form->addAxis("batch_size", "16, abc").contains("batch_size"));
        QCOMPARE(form->axisCount(), 0);
        QCOMPARE(form->addAxis("learning_rate", "1e-3, 1e-2"), QString());
        config.scheduler = SchedulerKind::OneCycle;
        QVERIFY(panel->createSweep().contains("learning_rate has no effect"));
        config.scheduler = SchedulerKind::Constant;
        QCOMPARE(form->addAxis("batch_size", "16, 32"), QString());
        QCOMPARE(form->axisCount(), 2);

        QSignalSpy created(panel, &SweepPanel::created);
        QCOMPARE(panel->createSweep(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(created.count(), 1, 20000);
        const qint64 sweep = created.first().at(0).toLongLong();
        QVERIFY2(sweep > 0, qPrintable(created.first().at(1).toString()));
        QTRY_COMPARE(panel->sweepTable()->rowCount(), 1);
        QCOMPARE(panel->sweepTable()->item(0, 3)->text(), QString("0/4"));
        QCOMPARE(panel->sweepTable()->item(0, 5)->text(), QString("4"));

        // Two worker processes train the four runs; the page follows their commits.
        QSignalSpy ended(s.page.sweepWorkers(), &SweepWorkers::finished);
        QCOMPARE(panel->startWorkers(2), QString());
        QCOMPARE(s.page.sweepWorkers()->running(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(s.page.sweepWorkers()->running(), 0, 180000);
        QTRY_COMPARE_WITH_TIMEOUT(panel->sweepTable()->item(0, 3)->text(), QString("4/4"), 10000);
        QCOMPARE(panel->sweepTable()->item(0, 2)->text(), QString("finished"));
        QVERIFY2(panel->statusText().contains("no run left"), qPrintable(panel->statusText()));
        QTest::qWait(200);
        QCOMPARE(ended.count(), 1); // two workers, one announcement

        // The chart: a line per run, the best one the store's best by validation accuracy.
        RunStore store(m_dir.filePath("runs"));
        const auto runs = store.sweepRuns(sweep);
        QCOMPARE(int(runs.size()), 4);
        const auto best = bestSweepRun(runs, "val_acc");
        QVERIFY(best);
        QCOMPARE(panel->bestRun()->id, best->id);
        auto* chart = panel->chart();
        QCOMPARE(chart->axisCount(), 3); // learning_rate, batch_size, the metric
        QCOMPARE(int(chart->passingRuns().size()), 4);
        QVERIFY(chart->metricColor(best->bestValAccuracy) != chart->metricColor(-1));

        // Brushing the learning-rate axis by mouse, from its bottom (1e-3) to just above it: the
        // table keeps the two runs at 1e-3.
        QSignalSpy filtered(panel, &SweepPanel::filterRuns);
        qint64 low = 0;
        for (const auto& r : runs)
            if (r.config.learningRate < 2e-3)
                low = r.id;
        const QPointF bottom = chart->pointOf(low, 0);
        QVERIFY(!bottom.isNull());
        mouse(chart, QEvent::MouseButtonPress, bottom + QPointF(0, 6), Qt::LeftButton);
        mouse(chart, QEvent::MouseMove, bottom - QPointF(0, 40), Qt::LeftButton);
        mouse(chart, QEvent::MouseButtonRelease, bottom - QPointF(0, 40), Qt::NoButton);
        QVERIFY(chart->isBrushed());
        std::set<qint64> lowRate;
        for (const auto& r : runs)
            if (r.config.learningRate < 2e-3)
                lowRate.insert(r.id);
        const auto passing = chart->passingRuns();
        QCOMPARE(std::set<qint64>(passing.begin(), passing.end()), lowRate);
        QVERIFY(filtered.count() >= 1);
        QCOMPARE(s.page.filter()->rowCount(), 2);
        // … and the metric axis to at least the best accuracy: the low-rate runs that reach it (ties too).
        chart->setBrush(chart->axisCount() - 1, best->bestValAccuracy * 100 - 1e-6, 100);
        const auto topLow = std::count_if(runs.begin(), runs.end(), [&](const RunRecord& r) {
            return lowRate.count(r.id) && r.bestValAccuracy >= best->bestValAccuracy - 1e-9;
        });
        QCOMPARE(s.page.filter()->rowCount(), int(topLow));
        chart->clearBrushes();
        QCOMPARE(s.page.filter()->rowCount(), 4 + 0); // the sweep's runs are all the store has
        // A click on an axis clears that axis's brush.
        chart->setBrush(0, 5e-3, 2e-2);
        QCOMPARE(int(chart->passingRuns().size()), 2);
        mouse(chart, QEvent::MouseButtonPress, bottom, Qt::LeftButton);
        mouse(chart, QEvent::MouseButtonRelease, bottom, Qt::NoButton);
        QVERIFY(!chart->isBrushed());
        QCOMPARE(s.page.filter()->rowCount(), 4);

        // The best run to Analyze: its best checkpoint.
        QSignalSpy analyze(&s.page, &RunsPage::analyzeRequested);
        QCOMPARE(panel->analyzeBest(), QString());
        QCOMPARE(analyze.count(), 1);
        QCOMPARE(analyze.first().at(0).toString(), store.runDir(best->id) + "/best.pt");
        QVERIFY(QFile::exists(analyze.first().at(0).toString()));

        // Compare: the runs coloured by learning rate, equal rates equal colours.
        panel->findChild<QPushButton*>("compareSweepRuns")->click();
        auto* comparison = s.page.comparison();
        QCOMPARE(comparison->colorField(), QString("learning_rate"));
        QCOMPARE(int(s.page.selectedRuns().size()), 4);
        std::map<double, std::set<QRgb>> colours;
        for (const auto& r : runs)
            colours[r.config.learningRate].insert(comparison->colorOf(r.id).rgb());
        QCOMPARE(int(colours.size()), 2);
        QCOMPARE(int(colours.begin()->second.size()), 1);
        QCOMPARE(int(colours.rbegin()->second.size()), 1);
        QVERIFY(*colours.begin()->second.begin() != *colours.rbegin()->second.begin());
        comparison->setColorField({});
        QVERIFY(comparison->colorOf(runs[0].id) != comparison->colorOf(runs[1].id));
    }

    void stoppingWorkersLeavesTheirRunResumable()
    {
        Studio s(m_dir.filePath("stop"), m_dir.filePath("data"));
        QTRY_VERIFY_WITH_TIMEOUT(s.source.dataset() != nullptr, 20000);
        auto* panel = s.page.sweeps();
        auto config = sweepConfig();
        config.numEpochs = 200; // long enough to be stopped mid-run
        panel->setBaseConfig([&] { return config; });
        panel->form()->setSeeds(2);
        QSignalSpy created(panel, &SweepPanel::created);
        QCOMPARE(panel->createSweep(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(created.count(), 1, 20000);
        const qint64 sweep = created.first().at(0).toLongLong();
        QCOMPARE(panel->startWorkers(1), QString());
        RunStore store(m_dir.filePath("stop"));
        QTRY_VERIFY_WITH_TIMEOUT(store.sweep(sweep)->running == 1 && store.sweepRuns(sweep).front().epochsDone >= 1,
                                 60000);
        QSignalSpy finished(s.page.sweepWorkers(), &SweepWorkers::finished);
        QElapsedTimer clock;
        clock.start();
        panel->findChild<QPushButton*>("stopSweepWorkers")->click();
        QVERIFY(clock.elapsed() < 1000); // the button does not wait for the worker
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
        QVERIFY2(finished.first().at(0).toString().contains("stopped"), qPrintable(finished.first().at(0).toString()));
        const auto runs = store.sweepRuns(sweep);
        QCOMPARE(runs.front().status, QString("stopped"));
        QVERIFY(runs.front().resumable());
        QCOMPARE(runs.back().status, QString("queued"));
        QCOMPARE(store.sweep(sweep)->waiting, 1);
        // Cancel: the queued run will not be trained; the page says so.
        QCOMPARE(panel->cancelSweep(), QString());
        QVERIFY(panel->statusText().contains("cancelled"));
        QCOMPARE(store.sweepRuns(sweep).back().status, QString("cancelled"));
    }

    void axesScaleAsTheirValuesSay()
    {
        // lr over two decades (log), batch size on a linear grid, optimizer as text, the metric in %.
        std::vector<ParallelRun> runs;
        const double lrs[] = {1e-3, 1e-2, 1e-1};
        for (int i = 0; i < 3; ++i)
            runs.push_back({i + 1, {}, {lrs[i], 32.0 * (i + 1), i == 1 ? "sgd" : "adam"}, 0.9 + 0.01 * i});
        const auto axes = parallelAxes({"learning_rate", "batch_size", "optimizer"}, "val", runs);
        QCOMPARE(int(axes.size()), 4);
        QVERIFY(axes[0].logScale);
        QCOMPARE(*axes[0].position(QJsonValue(1e-2)), 0.5); // the middle decade
        QCOMPARE(axes[0].valueAt(0.5), 1e-2);
        QVERIFY(!axes[0].position(QJsonValue(0.0))); // no place for 0 on a log axis
        QVERIFY(!axes[1].logScale);
        QCOMPARE(*axes[1].position(QJsonValue(64.0)), 0.5);
        QCOMPARE(axes[1].ticks, (std::vector<double>{32, 64, 96})); // a grid's values as ticks
        QVERIFY(!axes[2].numeric);
        QCOMPARE(axes[2].categories, (QStringList{"adam", "sgd"}));
        QCOMPARE(*axes[2].position(QJsonValue("sgd")), 0.75);
        QCOMPARE(axes[3].low, 90.0);
        QCOMPARE(axes[3].high, 92.0);
    }

    void aMissingWorkerProgramIsNamed()
    {
        SweepWorkers workers(m_dir.filePath("no-such-cli"));
        const QString problem = workers.start(m_dir.filePath("runs"), 1, 2);
        QVERIFY2(problem.contains("Cannot start a worker") && problem.contains("no-such-cli"), qPrintable(problem));
        QCOMPARE(workers.running(), 0);
    }

private:
    QTemporaryDir m_dir;
};

STUDIO_TEST_MAIN(TestSweepPanel)
#include "tst_sweeppanel.moc"
