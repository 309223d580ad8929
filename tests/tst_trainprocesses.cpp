// The Train page's processes field: a data-parallel run started from the window, its local ranks
// real `mnist-studio-cli worker` processes ($MNIST_STUDIO_CLI), offscreen.
#include "ConfigForm.h"
#include "MainWindow.h"
#include "TrainControls.h"
#include "TrainPage.h"
#include "TrainingCharts.h"
#include "LiveChart.h"
#include "TrainingSession.h"

#include "runs/RunStore.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;
using namespace studio::ui;
using State = TrainingSession::State;

class TestTrainProcesses : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void twoProcessesTrainStopAndRecordTheirWorld();
    void aWorkerThatCannotStartIsNamedAtOnce();

private:
    void setField(ConfigForm* form, const QString& key, const QString& text);

    QTemporaryDir m_dir;
};

void TestTrainProcesses::initTestCase()
{
    QVERIFY(QFile::exists(qEnvironmentVariable("MNIST_STUDIO_CLI")));
    test::writeIdxFolder(test::syntheticDataset(30, 10), m_dir.filePath("data"));
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
    QCoreApplication::setOrganizationName("MNIST Studio Tests");
    QCoreApplication::setApplicationName("tst_trainprocesses");
}

void TestTrainProcesses::setField(ConfigForm* form, const QString& key, const QString& text)
{
    auto* edit = qobject_cast<QLineEdit*>(form->editor(key));
    QVERIFY2(edit, qPrintable(key));
    edit->setText(text);
    Q_EMIT edit->textEdited(text);
}

void TestTrainProcesses::twoProcessesTrainStopAndRecordTheirWorld()
{
    const QString runs = m_dir.filePath("runs");
    MainWindow window(MainWindow::Options{m_dir.filePath("data"), runs});
    window.show();
    auto* page = window.trainPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canStart(), 20000);
    auto* architecture = page->findChild<QComboBox*>("architecture");
    architecture->setCurrentIndex(architecture->findData("mlp"));
    setField(page->form(), "batch_size", "8");
    setField(page->form(), "num_epochs", "400");
    setField(page->form(), "threads", "1");
    auto* processes = page->findChild<QSpinBox*>("processes");
    QVERIFY(processes && processes->isEnabled());
    processes->setValue(2);
    QCOMPARE(page->controls()->processes(), 2);

    QTest::mouseClick(page->findChild<QPushButton*>("startButton"), Qt::LeftButton);
    QTRY_COMPARE(window.session()->state(), State::Running);
    auto* loss = page->charts()->lossChart();
    QTRY_VERIFY_WITH_TIMEOUT(loss->sampleCount(0) > 20, 30000); // rank 0's steps, live
    QTRY_VERIFY(page->controls()->progressText().contains("2 processes"));
    QVERIFY(!processes->isEnabled());
    QVERIFY(!page->findChild<QPushButton*>("pauseButton")->isEnabled()); // not offered with two

    QTest::mouseClick(page->findChild<QPushButton*>("stopButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.session()->state(), State::Idle, 20000);
    QVERIFY2(page->controls()->status().contains("stopped by user"), qPrintable(page->controls()->status()));
    const auto runId = window.session()->runId();
    RunStore store(runs);
    const auto run = store.run(runId);
    QCOMPARE(run->status, QString("stopped"));
    QCOMPARE(run->world.value("world_size").toInt(), 2);
    QVERIFY(run->resumable());
    QVERIFY(processes->isEnabled());
}

void TestTrainProcesses::aWorkerThatCannotStartIsNamedAtOnce()
{
    const QString runs = m_dir.filePath("missing");
    MainWindow window(MainWindow::Options{m_dir.filePath("data"), runs});
    window.show();
    window.session()->setWorkerProgram(m_dir.filePath("no-such-cli"));
    auto* page = window.trainPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canStart(), 20000);
    page->findChild<QSpinBox*>("processes")->setValue(2);
    QString failure;
    connect(window.session(), &TrainingSession::failed, this, [&](const QString& m) { failure = m; });
    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(page->findChild<QPushButton*>("startButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!failure.isEmpty(), 15000);
    QVERIFY2(clock.elapsed() < 15000, "not the rendezvous timeout");
    QVERIFY2(failure.contains("Rank 1 could not start") && failure.contains("no-such-cli"), qPrintable(failure));
    QTRY_COMPARE(window.session()->state(), State::Idle);
    QVERIFY(RunStore(runs).runs().empty()); // nothing was made
}

STUDIO_TEST_MAIN(TestTrainProcesses)
#include "tst_trainprocesses.moc"
