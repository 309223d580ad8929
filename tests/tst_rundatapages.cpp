// The window uses a run's own data, whatever the Train page has loaded: Resume from the Runs page,
// the Analyze page, and the Draw page's class names (offscreen).
#include "AnalyzePage.h"
#include "GalleryModel.h"
#include "DataSource.h"
#include "DrawCanvas.h"
#include "DrawPage.h"
#include "RunsService.h"
#include "MainWindow.h"
#include "ProbabilityBars.h"
#include "RunsPage.h"
#include "TrainControls.h"
#include "TrainPage.h"
#include "TrainingSession.h"

#include "runs/RunStore.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "training/Checkpoint.h"
#include "support/TestMain.h"

#include <QDir>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;
using namespace studio::ui;

class TestRunDataPages : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void resumeFromTheRunsPageTrainsOnTheRunsData();
    void analyzeScoresTheRunsData();
    void drawPageNamesTheModelsClasses();

private:
    QTemporaryDir m_dir;
    QString m_a, m_b, m_runs;
    Dataset m_dataA, m_dataB;
};

void TestRunDataPages::initTestCase()
{
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
    QCoreApplication::setOrganizationName("MNIST Studio Tests");
    QCoreApplication::setApplicationName("tst_rundatapages");
    qputenv("MNIST_STUDIO_DATA", "");
    qputenv("XDG_DATA_HOME", m_dir.filePath("xdg").toUtf8());
    // Two datasets shown under one name ("blocks"): A with 100 test images, B with 70.
    m_a = m_dir.filePath("a/blocks");
    m_b = m_dir.filePath("b/blocks");
    m_dataA = test::syntheticDataset(30, 10, 1);
    m_dataB = test::syntheticDataset(30, 7, 2);
    test::writeIdxFolder(m_dataA, m_a);
    test::writeIdxFolder(m_dataB, m_b);
    m_runs = m_dir.filePath("runs");
}

void TestRunDataPages::resumeFromTheRunsPageTrainsOnTheRunsData()
{
    const auto found = test::trainRecordedRun(m_runs, m_a, 3, 1);
    MainWindow window(MainWindow::Options{m_b, m_runs}); // the Train page loads B
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.dataSource()->dataset() != nullptr, 20000);
    QCOMPARE(window.dataSource()->dataset()->fingerprint, m_dataB.fingerprint);
    auto* session = window.findChild<TrainingSession*>();
    QVERIFY(session);
    QSignalSpy started(session, &TrainingSession::runStarted);
    QSignalSpy finished(session, &TrainingSession::runFinished);
    window.showPage(MainWindow::Runs);
    window.runsPage()->selectRuns({found});
    window.runsPage()->findChild<QPushButton*>("resumeRun")->click();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QTRY_VERIFY(!session->isActive());
    QVERIFY(started[0][0].value<RunStarted>().dataset.contains(QString::fromStdString(m_dataA.shortFingerprint())));
    QVERIFY2(window.trainPage()->controls()->status().contains("completed"),
             qPrintable(window.trainPage()->controls()->status()));
    RunStore store(m_runs);
    QCOMPARE(store.run(found)->status, QString("completed"));
    QCOMPARE(store.run(found)->epochsDone, 3);
    QCOMPARE(readCheckpointMeta(store.checkpoint(found, "latest")).data.fingerprint, m_dataA.fingerprint);

    // With A nowhere the studio looks, Resume refuses and says what it looked for.
    const auto lost = test::trainRecordedRun(m_runs, m_a, 3, 1);
    const QString moved = m_dir.filePath("hidden/blocks");
    QDir().mkpath(m_dir.filePath("hidden"));
    QVERIFY(QDir().rename(m_a, moved));
    QSignalSpy failed(session, &TrainingSession::failed);
    window.showPage(MainWindow::Runs);
    window.runsPage()->selectRuns({lost});
    window.runsPage()->findChild<QPushButton*>("resumeRun")->click();
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
    QTRY_VERIFY(!session->isActive());
    const QString status = window.trainPage()->controls()->status();
    QVERIFY2(status.contains("blocks (fingerprint " + QString::fromStdString(m_dataA.shortFingerprint())) &&
                 status.contains(m_b + " (from --data): holds blocks"),
             qPrintable(status));
    QCOMPARE(store.run(lost)->epochsDone, 1); // nothing trained on B
    QCOMPARE(store.run(lost)->status, QString("stopped"));
    QVERIFY(QDir().rename(moved, m_a));
}

void TestRunDataPages::analyzeScoresTheRunsData()
{
    const auto id = test::trainRecordedRun(m_runs, m_a, 3, 1);
    DataSource source(m_b);
    QSignalSpy loaded(&source, &DataSource::loaded);
    source.load(m_b);
    QVERIFY(loaded.wait(20000));
    RunsService runs(m_runs);
    AnalyzePage page(&source, &runs);
    page.resize(1300, 900);
    page.show(); // a model is preselected: its analysis starts by itself
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QTRY_VERIFY_WITH_TIMEOUT(page.analysis() != nullptr, 30000);
    page.analyse(RunStore(m_runs).checkpoint(id), "test");
    QTRY_VERIFY_WITH_TIMEOUT(page.analysis() && page.analysis()->checkpoint == RunStore(m_runs).checkpoint(id), 30000);
    QTRY_COMPARE_WITH_TIMEOUT(page.analysis()->evaluation.scores.size(), qint64(m_dataA.test.size()), 30000);
    QVERIFY(page.analysis()->data.contains(QString::fromStdString(m_dataA.shortFingerprint())));
}

void TestRunDataPages::drawPageNamesTheModelsClasses()
{
    const QString fashion = m_dir.filePath("fashion-blocks"); // named like Fashion-MNIST: garment classes
    test::writeIdxFolder(m_dataA, fashion);
    const auto id = test::trainRecordedRun(m_dir.filePath("fashion-runs"), fashion, 3, 1);
    RunsService runs(m_dir.filePath("fashion-runs"));
    DrawPage page(&runs);
    page.resize(1000, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.useCheckpoint(RunStore(m_dir.filePath("fashion-runs")).checkpoint(id));
    QTRY_VERIFY_WITH_TIMEOUT(page.modelStatus().contains("not trained on digits"), 20000);
    QVERIFY(page.modelStatus().contains("trained on Fashion-MNIST"));
    QCOMPARE(page.bars()->classNames().value(1), QString("Trouser"));
    auto* canvas = page.canvas();
    QTest::mousePress(canvas, Qt::LeftButton, {}, QPoint(100, 60));
    for (int y = 60; y < 200; y += 10)
        QTest::mouseMove(canvas, QPoint(100, y));
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, QPoint(100, 200));
    QTRY_VERIFY_WITH_TIMEOUT(page.predicted() >= 0, 20000);
    QCOMPARE(page.predictionText(), page.bars()->classNames().value(page.predicted()));
    QVERIFY(page.predictionText().size() > 1); // a garment's name, not a digit

    // The Analyze page names them too: heat-map axes, filters, gallery, per-class rows.
    DataSource source(m_b); // other data loaded: the run's own is found by its record
    RunsService analyzeRuns(m_dir.filePath("fashion-runs"));
    AnalyzePage analyze(&source, &analyzeRuns);
    const QString checkpoint = RunStore(m_dir.filePath("fashion-runs")).checkpoint(id);
    analyze.analyse(checkpoint, "test");
    QTRY_VERIFY_WITH_TIMEOUT(analyze.analysis() && analyze.analysis()->checkpoint == checkpoint, 30000);
    QCOMPARE(analyze.analysis()->className(1), QString("Trouser"));
    analyze.showCell(-1, -1); // every error
    auto* gallery = analyze.gallery();
    QVERIFY(gallery->rowCount() > 0);
    const QString label = gallery->data(gallery->index(0, 0), Qt::DisplayRole).toString();
    QVERIFY2(analyze.analysis()->classNames.contains(label.section(" → ", 0, 0)), qPrintable(label));
    QVERIFY2(label.section(" → ", 0, 0).size() > 1, qPrintable(label));
}

STUDIO_TEST_MAIN(TestRunDataPages)
#include "tst_rundatapages.moc"
