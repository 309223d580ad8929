// The Runs page, offscreen: generated runs in a temporary store (table figures, sort, filter,
// rename, overlay, diff, seeds, delete) and real ones through the window (resume, study, report).
#include "ArchitectureChart.h"
#include "DataSource.h"
#include "LiveChart.h"
#include "MainWindow.h"
#include "RunComparisonView.h"
#include "RunsPage.h"
#include "RunsService.h"
#include "RunsTableModel.h"
#include "SeedGroupsView.h"
#include "StudyPanel.h"
#include "StudyQueue.h"
#include "TrainPage.h"
#include "TrainingCharts.h"
#include "TrainingSession.h"

#include "runs/RunComparison.h"
#include "runs/RunStore.h"
#include "support/RunStoreEdits.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSlider>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <set>

using namespace studio;
using namespace studio::ui;

namespace {

/// A finished run with `epochs` recorded epochs (validation accuracy rising to `best`), 10
/// batches an epoch.
qint64 addRun(RunStore& store, TrainConfig config, int epochs, double best, const QString& status, double test = -1)
{
    const auto id = store.createRun(config, DatasetInfo{.name = "synthetic"}, 1000 + qint64(config.batchSize));
    double seconds = 0;
    for (int e = 1; e <= epochs; ++e) {
        std::vector<BatchRecord> batches;
        for (int b = 0; b < 10; ++b)
            batches.push_back({qint64(e - 1) * 10 + b, e, 2.0 / (e + b * 0.1), 0.5, config.learningRate, 900});
        const double acc = best - 0.01 * (epochs - e);
        seconds += 2.5;
        store.recordEpoch(id, {e, 1.0 / e, acc - 0.01, 0.5 / e, acc, config.learningRate, 2.5}, batches, e, acc,
                          0.5 / e, seconds);
    }
    store.finishRun(id, status, status == "completed" ? "all epochs done" : "", seconds);
    if (test >= 0)
        store.setTestResult(id, test, 0.1, {});
    return id;
}

QString cell(RunsPage& page, qint64 runId, int column)
{
    auto* filter = page.filter();
    for (int row = 0; row < filter->rowCount(); ++row)
        if (filter->data(filter->index(row, 0), RunsTableModel::RunIdRole).toLongLong() == runId)
            return filter->data(filter->index(row, column), Qt::DisplayRole).toString();
    return "(no row)";
}

/// A Runs page over a store, shown (offscreen) at a comfortable size.
struct ShownPage {
    ShownPage(const QString& store, const QString& data)
        : runs(store), session(store), source(data), page(&session, &source, &runs)
    {
        page.resize(1300, 900);
        page.show();
    }
    RunsService runs;
    TrainingSession session;
    DataSource source;
    RunsPage page;
};

/// Shows the window, waits for the dataset and puts a small MLP run on the Train page.
bool openWithTinyMlp(MainWindow& window, int epochs)
{
    window.show();
    if (!QTest::qWaitForWindowExposed(&window) ||
        !QTest::qWaitFor([&] { return window.dataSource()->dataset() != nullptr; }, 20000))
        return false;
    auto config = window.trainPage()->config();
    config.model = "mlp";
    config.numEpochs = epochs;
    config.batchSize = 16;
    config.threads = 1;
    window.trainPage()->setConfig(config);
    return true;
}

} // namespace

class TestRunsPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tableShowsTheStoredFigures();
    void sortsFiltersAndRenames();
    void selectingTwoOverlaysAndDiffs();
    void seedGroupsTellSpreadFromDifference();
    void deleteAsksThenRemovesRowsAndFiles();
    void followsRunsOtherProcessesWrite();
    void resumeContinuesAStoppedRunInPlace();
    void studyFromTheGuiFillsItsTable();
    void seedRepeatsFormOneGroup();
    void reportIsWrittenFromThePage();

private:
    QTemporaryDir m_dir;
    QString m_store;
    QString m_data, m_guiRuns;
    qint64 m_simple = 0, m_resnet = 0, m_diverged = 0;
};

void TestRunsPage::initTestCase()
{
    m_store = m_dir.filePath("store");
    m_data = m_dir.filePath("data");
    m_guiRuns = m_dir.filePath("gui-runs");
    test::writeIdxFolder(test::syntheticDataset(30, 10), m_data);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
    QCoreApplication::setOrganizationName("MNIST Studio Tests");
    QCoreApplication::setApplicationName("tst_runspage");

    RunStore store(m_store);
    TrainConfig simple;
    simple.model = "simple-cnn";
    simple.numEpochs = 5;
    m_simple = addRun(store, simple, 3, 0.975, "completed", 0.981);
    TrainConfig resnet = simple;
    resnet.model = "resnet";
    resnet.learningRate = 0.01;
    resnet.numEpochs = 4;
    m_resnet = addRun(store, resnet, 4, 0.991, "early-stopped");
    TrainConfig mlp = simple;
    mlp.model = "mlp";
    mlp.learningRate = 5.0;
    m_diverged = addRun(store, mlp, 1, 0.11, "diverged");
    // Seed repeats: two configs over three seeds each, clearly apart.
    for (int k = 0; k < 3; ++k) {
        TrainConfig a = simple, b = simple;
        a.model = b.model = "tiny-v1";
        a.seed = b.seed = 100 + k;
        b.learningRate = 0.003;
        addRun(store, a, 2, 0.985 + 0.001 * k, "completed", 0.985 + 0.001 * k);
        addRun(store, b, 2, 0.970 + 0.001 * k, "completed", 0.970 + 0.001 * k);
    }
}

void TestRunsPage::tableShowsTheStoredFigures()
{
    ShownPage shown(m_store, m_data);
    auto& page = shown.page;
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QCOMPARE(page.model()->rowCount(), 9);
    QCOMPARE(cell(page, m_simple, RunsTableModel::Model), QString("simple-cnn"));
    QCOMPARE(cell(page, m_simple, RunsTableModel::BestVal), QString("97.50 %"));
    QCOMPARE(cell(page, m_simple, RunsTableModel::Test), QString("98.10 %"));
    QCOMPARE(cell(page, m_simple, RunsTableModel::Epochs), QString("3 / 5"));
    QCOMPARE(cell(page, m_simple, RunsTableModel::Duration), QString("8 s")); // 3 × 2.5 s
    QCOMPARE(cell(page, m_simple, RunsTableModel::Status), QString("completed"));
    QVERIFY(cell(page, m_simple, RunsTableModel::Hyperparameters).contains("batch 128"));
    QCOMPARE(cell(page, m_resnet, RunsTableModel::Test), QString("–")); // not evaluated
    QCOMPARE(cell(page, m_resnet, RunsTableModel::Status), QString("early-stopped"));
    QCOMPARE(cell(page, m_diverged, RunsTableModel::Status), QString("diverged"));
    // Architectures: one point per architecture, its best run.
    const auto& points = page.architectures()->points();
    QCOMPARE(int(points.size()), 4);
}

void TestRunsPage::sortsFiltersAndRenames()
{
    ShownPage shown(m_store, m_data);
    auto& page = shown.page;
    auto* filter = page.filter();
    page.table()->sortByColumn(RunsTableModel::BestVal, Qt::DescendingOrder);
    QCOMPARE(filter->data(filter->index(0, 0), RunsTableModel::RunIdRole).toLongLong(), m_resnet);
    QCOMPARE(filter->data(filter->index(filter->rowCount() - 1, 0), RunsTableModel::RunIdRole).toLongLong(),
             m_diverged);

    page.findChild<QLineEdit*>("runsFilter")->setText("resnet");
    QCOMPARE(filter->rowCount(), 1);
    page.findChild<QLineEdit*>("runsFilter")->setText("tiny-v1 lr 0.003");
    QCOMPARE(filter->rowCount(), 3);
    page.findChild<QLineEdit*>("runsFilter")->clear();
    auto* status = page.findChild<QComboBox*>("runsStatus");
    status->setCurrentIndex(status->findData("diverged"));
    QCOMPARE(filter->rowCount(), 1);
    status->setCurrentIndex(0);
    QCOMPARE(filter->rowCount(), 9);

    // Rename and tag in place: the store keeps them.
    page.table()->sortByColumn(RunsTableModel::Id, Qt::AscendingOrder);
    QVERIFY(filter->setData(filter->index(0, RunsTableModel::Name), "baseline"));
    QVERIFY(filter->setData(filter->index(0, RunsTableModel::Tags), "paper, v1"));
    RunStore store(m_store);
    QCOMPARE(store.run(m_simple)->name, QString("baseline"));
    QCOMPARE(store.run(m_simple)->tags, QString("paper, v1"));
    page.findChild<QLineEdit*>("runsFilter")->setText("paper");
    QCOMPARE(filter->rowCount(), 1);
}

void TestRunsPage::selectingTwoOverlaysAndDiffs()
{
    ShownPage shown(m_store, m_data);
    auto& page = shown.page;
    page.selectRuns({m_simple, m_resnet});
    QCOMPARE(page.selectedRuns(), (std::vector<qint64>{m_simple, m_resnet}));
    for (auto* chart : page.comparison()->charts())
        QCOMPARE(chart->seriesCount(), 2);
    auto* loss = page.comparison()->charts()[0];
    QCOMPARE(loss->sampleCount(0), 30); // 3 epochs × 10 batches
    QCOMPARE(loss->sampleCount(1), 40);
    QCOMPARE(page.comparison()->charts()[1]->sampleCount(1), 4); // an accuracy point per epoch
    auto differing = page.comparison()->differingFields();
    differing.sort();
    QCOMPARE(differing, QStringList({"learning_rate", "model", "num_epochs"}));
    QCOMPARE(page.comparison()->diffTable()->columnCount(), 2);
    // The shared toolbar's smoothing redraws the overlaid curves.
    const auto smoothed = loss->drawnPoints(0);
    page.comparison()->findChild<QSlider*>("smoothing")->setValue(0);
    QTRY_VERIFY(loss->drawnPoints(0) != smoothed);
    QCOMPARE(loss->drawnPoints(0).size(), 30);
    QCOMPARE(loss->drawnPoints(0).last().y(), loss->samples(0).back().value); // unsmoothed: the raw batch loss
    QCOMPARE(page.comparison()->diffTable()->rowCount(), 3);                  // only what differs, by default
    page.findChild<QCheckBox*>("onlyDiffering")->setChecked(false);
    QVERIFY(page.comparison()->diffTable()->rowCount() > 20); // every field

    page.selectRuns({m_simple});
    for (auto* chart : page.comparison()->charts())
        QCOMPARE(chart->seriesCount(), 1);
}

void TestRunsPage::seedGroupsTellSpreadFromDifference()
{
    ShownPage shown(m_store, m_data);
    auto& page = shown.page;
    auto* seeds = page.seeds()->table();
    QCOMPARE(seeds->rowCount(), 5); // simple-cnn, resnet, mlp, and the two repeated configs
    int a = -1, b = -1;
    for (int row = 0; row < seeds->rowCount(); ++row)
        if (seeds->item(row, 1)->text() == "3")
            (a < 0 ? a : b) = row;
    QVERIFY(a >= 0 && b >= 0);
    QCOMPARE(seeds->item(a, 2)->text(), QString("98.60 ± 0.10")); // 98.5, 98.6, 98.7
    seeds->selectRow(a);
    seeds->selectionModel()->select(seeds->model()->index(b, 0),
                                    QItemSelectionModel::Select | QItemSelectionModel::Rows);
    QVERIFY2(page.seeds()->verdict().contains("exceeds the seed-to-seed spread"), qPrintable(page.seeds()->verdict()));
    QVERIFY(page.seeds()->verdict().contains("+1.50 points"));
}

void TestRunsPage::deleteAsksThenRemovesRowsAndFiles()
{
    ShownPage shown(m_store, m_data);
    auto& page = shown.page;
    RunStore store(m_store);
    const QString folder = store.runDir(m_diverged);
    QVERIFY(QDir(folder).exists());
    page.selectRuns({m_diverged});
    auto* button = page.findChild<QPushButton*>("deleteRuns");
    QVERIFY(button->isEnabled());
    // Cancel first: nothing goes.
    QTimer::singleShot(200, [] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box);
        box->button(QMessageBox::Cancel)->click();
    });
    button->click();
    QCOMPARE(page.model()->rowCount(), 9);
    QTimer::singleShot(200, [] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        QVERIFY(box);
        QVERIFY(box->text().contains("removed for good"));
        box->button(QMessageBox::Yes)->click();
    });
    button->click();
    QCOMPARE(page.model()->rowCount(), 8);
    QVERIFY(!page.model()->runById(m_diverged));
    QVERIFY(!store.run(m_diverged));
    QVERIFY(!QDir(folder).exists());
}

void TestRunsPage::followsRunsOtherProcessesWrite()
{
    const QString folder = m_dir.filePath("shared-store");
    ShownPage shown(folder, m_data);
    auto& page = shown.page;
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QCOMPARE(page.model()->rowCount(), 0);

    // Another writer on the same store, as a CLI run beside the studio: its runs appear unasked.
    RunStore other(folder);
    TrainConfig config;
    config.model = "tiny-v2";
    const auto finished = addRun(other, config, 2, 0.97, "completed");
    QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 1, 6000);
    QCOMPARE(cell(page, finished, RunsTableModel::Status), QString("completed"));
    const auto running = other.createRun(config, DatasetInfo{.name = "synthetic"}, 7730);
    QTRY_COMPARE_WITH_TIMEOUT(cell(page, running, RunsTableModel::Status), QString("running"), 6000);

    // The process training it ends without finishing it: the page marks it interrupted.
    QVERIFY(test::markProcessGone(folder, running));
    QTRY_COMPARE_WITH_TIMEOUT(cell(page, running, RunsTableModel::Status), QString("interrupted"), 6000);
    QCOMPARE(other.run(running)->status, QString("interrupted"));
}

void TestRunsPage::resumeContinuesAStoppedRunInPlace()
{
    MainWindow window(MainWindow::Options{m_data, m_guiRuns});
    QVERIFY(openWithTinyMlp(window, 4));
    auto* session = window.session();
    // Stop after the first epoch: a resumable run. The request reaches the trainer through the UI
    // thread's event queue, so on a loaded machine a short epoch or two more may finish first.
    QObject::connect(session, &TrainingSession::epochDone, session, [session](const EpochRecord& u) {
        if (u.epoch == 1)
            session->stop();
    });
    QSignalSpy finished(session, &TrainingSession::runFinished);
    window.trainPage()->start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY(!session->isActive());
    QObject::disconnect(session, &TrainingSession::epochDone, session, nullptr);
    const qint64 runId = session->runId();
    QCOMPARE(RunStore(m_guiRuns).run(runId)->status, QString("stopped"));
    const int stoppedAt = RunStore(m_guiRuns).run(runId)->epochsDone;
    QVERIFY2(stoppedAt >= 1 && stoppedAt < 4, qPrintable(QString::number(stoppedAt)));

    window.showPage(MainWindow::Runs);
    auto* page = window.runsPage();
    page->selectRuns({runId});
    auto* resume = page->findChild<QPushButton*>("resumeRun");
    QVERIFY(resume->isEnabled());
    resume->click();
    QCOMPARE(window.currentPage(), MainWindow::Train);
    // The recorded epoch is drawn before the live ones continue it.
    auto* accuracy = window.trainPage()->charts()->accuracyChart();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 60000);
    QTRY_VERIFY(!session->isActive());
    const auto run = RunStore(m_guiRuns).run(runId);
    QCOMPARE(run->status, QString("completed"));
    QCOMPARE(run->epochsDone, 4);
    QCOMPARE(int(RunStore(m_guiRuns).epochs(runId).size()), 4);
    QCOMPARE(RunStore(m_guiRuns).runs().size(), std::size_t(1)); // the same run, not a new one
    int validation = -1;
    for (int s = 0; s < accuracy->seriesCount(); ++s)
        if (accuracy->seriesName(s) == "validation")
            validation = s;
    QVERIFY(validation >= 0);
    QCOMPARE(accuracy->sampleCount(validation), 4); // the stopped epochs from the store, the rest live
    QCOMPARE(accuracy->samples(validation).front().epoch, 1.0);

    // Clone puts the run's configuration on the Train page.
    window.trainPage()->setConfig(TrainConfig{});
    window.showPage(MainWindow::Runs);
    page->selectRuns({runId});
    page->findChild<QPushButton*>("cloneRun")->click();
    QCOMPARE(window.currentPage(), MainWindow::Train);
    QVERIFY(window.trainPage()->config() == run->config);
}

void TestRunsPage::studyFromTheGuiFillsItsTable()
{
    MainWindow window(MainWindow::Options{m_data, m_guiRuns});
    QVERIFY(openWithTinyMlp(window, 1));
    auto* page = window.runsPage();
    window.showPage(MainWindow::Runs);
    const auto before = RunStore(m_guiRuns).runs().size();
    auto* studies = page->studies();
    studies->setKind("field");
    studies->setField("learning_rate", "0.001, 0.01");
    QSignalSpy done(page->queue(), &StudyQueue::finished);
    QCOMPARE(studies->startStudy(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
    QVERIFY2(done[0][0].toString().contains("completed"), qPrintable(done[0][0].toString()));
    auto* table = studies->resultTable();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 0)->text(), QString("learning_rate=0.001"));
    QCOMPARE(table->item(1, 0)->text(), QString("learning_rate=0.01"));
    const auto runs = RunStore(m_guiRuns).runs();
    QCOMPARE(runs.size(), before + 2);
    for (int row = 0; row < 2; ++row) {
        const qint64 id = table->item(row, 1)->text().toLongLong();
        const auto run = RunStore(m_guiRuns).run(id);
        QVERIFY(run && run->study == page->queue()->name());
        QVERIFY(run->testAccuracy >= 0); // evaluated on the test split
        QCOMPARE(table->item(row, 5)->text(), QString::number(run->testAccuracy * 100, 'f', 2) + " %");
    }
    QCOMPARE(page->model()->rowCount(), int(before + 2)); // the table followed
}

void TestRunsPage::seedRepeatsFormOneGroup()
{
    MainWindow window(MainWindow::Options{m_data, m_dir.filePath("seed-runs")});
    QVERIFY(openWithTinyMlp(window, 1));
    auto* page = window.runsPage();
    window.showPage(MainWindow::Runs);
    page->studies()->setKind("seeds");
    page->studies()->setSeeds(3);
    QSignalSpy done(page->queue(), &StudyQueue::finished);
    QCOMPARE(page->studies()->startStudy(), QString());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 120000);
    const auto runs = RunStore(m_dir.filePath("seed-runs")).runs();
    QCOMPARE(runs.size(), std::size_t(3));
    std::set<std::uint64_t> seeds;
    std::vector<double> accuracies;
    for (const auto& r : runs) {
        seeds.insert(r.config.seed);
        accuracies.push_back(r.testAccuracy);
    }
    QCOMPARE(seeds.size(), std::size_t(3)); // three seeds, one configuration
    auto* table = page->seeds()->table();
    QCOMPARE(table->rowCount(), 1);
    QCOMPARE(table->item(0, 1)->text(), QString("3"));
    const auto s = summarise(accuracies);
    QCOMPARE(table->item(0, 2)->text(),
             QString::number(s.mean * 100, 'f', 2) + QString::fromUtf8(" ± ") + QString::number(s.std * 100, 'f', 2));
}

void TestRunsPage::reportIsWrittenFromThePage()
{
    MainWindow window(MainWindow::Options{m_data, m_guiRuns});
    window.show();
    QTRY_VERIFY_WITH_TIMEOUT(window.dataSource()->dataset() != nullptr, 20000);
    window.showPage(MainWindow::Runs);
    auto* page = window.runsPage();
    const qint64 runId = RunStore(m_guiRuns).runs().front().id;
    QTemporaryDir out;
    QSignalSpy written(page, &RunsPage::reportFinished);
    page->exportReport(runId, out.path());
    QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 60000);
    QCOMPARE(written[0][1].toString(), QString());
    for (const char* file :
         {"report.html", "metrics.json", "confusion.csv", "history.csv", "charts/confusion-counts.png"})
        QVERIFY2(QFile::exists(QDir(out.path()).filePath(file)), file);
    QVERIFY(page->statusText().contains("report.html"));
}

STUDIO_TEST_MAIN(TestRunsPage)
#include "tst_runspage.moc"
