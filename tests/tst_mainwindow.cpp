// The real studio window driven through its widgets, offscreen, on a small generated dataset.
#include "ArchitecturePanel.h"
#include "AugmentationPreview.h"
#include "ConfigForm.h"
#include "DataSource.h"
#include "DatasetPanel.h"
#include "LiveChart.h"
#include "MainWindow.h"
#include "TrainControls.h"
#include "TrainPage.h"
#include "ClassAccuracyStrip.h"
#include "TrainingCharts.h"
#include "TrainingSession.h"

#include "runs/RunStore.h"
#include "training/MixedPrecision.h"
#include "training/TrainConfig.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSlider>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace studio;
using namespace studio::ui;
using State = TrainingSession::State;

class TestMainWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void pagesSwitchWithShortcutsAndSettingsPersist();
    void architecturePickerShowsCountAndSummary();
    void invalidInputShowsItsMessageAndBlocksStart();
    void irrelevantFieldsAreGreyedOut();
    void presetsAndConfigFilesFillTheForm();
    void scheduleAndAugmentationPreviewsFollowTheForm();
    void trainsLivePausesResumesAndStops();
    void chartsSmoothLogExportAndReadOut();
    void closingMidRunStopsAndJoinsTheThread();
    void missingDatasetSaysWhereItLookedAndAcceptsAFolder();
    void aboutNamesTheLibraryVersions();

private:
    std::unique_ptr<MainWindow> openWindow(const QString& dataFolder = {});
    void setField(ConfigForm* form, const QString& key, const QString& text);
    void chooseTinyRun(TrainPage* page, int epochs);

    QTemporaryDir m_dir;
    QString m_data, m_runs;
};

void TestMainWindow::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath("data");
    m_runs = m_dir.filePath("runs");
    test::writeIdxFolder(test::syntheticDataset(30, 10), m_data);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
    QCoreApplication::setOrganizationName("MNIST Studio Tests");
    QCoreApplication::setApplicationName("tst_mainwindow");
}

void TestMainWindow::init()
{
    QSettings().clear();
}

std::unique_ptr<MainWindow> TestMainWindow::openWindow(const QString& dataFolder)
{
    auto window = std::make_unique<MainWindow>(MainWindow::Options{dataFolder.isEmpty() ? m_data : dataFolder, m_runs});
    window->show();
    return window;
}

void TestMainWindow::setField(ConfigForm* form, const QString& key, const QString& text)
{
    auto* edit = qobject_cast<QLineEdit*>(form->editor(key));
    QVERIFY2(edit, qPrintable(key));
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(edit, text);
    QCOMPARE(edit->text(), text);
}

void TestMainWindow::chooseTinyRun(TrainPage* page, int epochs)
{
    auto* architecture = page->findChild<QComboBox*>("architecture");
    architecture->setCurrentIndex(architecture->findData("mlp"));
    setField(page->form(), "batch_size", "8");
    setField(page->form(), "num_epochs", QString::number(epochs));
    setField(page->form(), "learning_rate", "0.001");
    setField(page->form(), "threads", "1");
}

void TestMainWindow::pagesSwitchWithShortcutsAndSettingsPersist()
{
    {
        auto window = openWindow();
        QCOMPARE(window->currentPage(), MainWindow::Train);
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        QTest::keyClick(window.get(), Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(window->currentPage(), MainWindow::Draw);
        QTest::keyClick(window.get(), Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(window->currentPage(), MainWindow::Train);
        setField(window->trainPage()->form(), "learning_rate", "0.0042");
        QTest::keyClick(window.get(), Qt::Key_4, Qt::ControlModifier);
        QCOMPARE(window->currentPage(), MainWindow::Runs);
        window->resize(1234, 777);
        window->close();
    }
    auto window = openWindow();
    QCOMPARE(window->trainPage()->config().learningRate, 0.0042);
    QCOMPARE(window->currentPage(), MainWindow::Runs);
    QCOMPARE(window->size(), QSize(1234, 777));
}

void TestMainWindow::architecturePickerShowsCountAndSummary()
{
    auto window = openWindow();
    auto* panel = window->trainPage()->architecturePanel();
    panel->setCurrentId("tiny-v3");
    QTRY_VERIFY_WITH_TIMEOUT(panel->parameterText().contains("8,650 parameters"), 10000);
    QVERIFY(panel->summaryRows() >= 5);
    panel->setCurrentId("simple-cnn");
    QTRY_VERIFY_WITH_TIMEOUT(panel->parameterText().contains("421,642 parameters"), 10000);
    QVERIFY2(panel->parameterText().contains("4.24 M multiply-adds"), qPrintable(panel->parameterText()));
    auto* table = panel->findChild<QTableWidget*>("modelSummary");
    QCOMPARE(table->item(1, 0)->text(), QString("conv2"));
    QCOMPARE(table->item(1, 4)->text(), QString("3.61 M")); // 14·14·64·32·9 = 3,612,672
    QCOMPARE(window->trainPage()->config().model, std::string("simple-cnn"));
}

void TestMainWindow::invalidInputShowsItsMessageAndBlocksStart()
{
    auto window = openWindow();
    auto* page = window->trainPage();
    auto* start = page->findChild<QPushButton*>("startButton");
    QTRY_VERIFY_WITH_TIMEOUT(start->isEnabled(), 20000);
    setField(page->form(), "learning_rate", "-1");
    QVERIFY(page->form()->messageFor("learning_rate").contains("learning_rate"));
    QVERIFY(page->findChild<QLabel*>("message_learning_rate")->isVisible());
    QVERIFY(!start->isEnabled());
    QVERIFY(page->controls()->status().contains("learning_rate"));
    window->findChild<QAction*>("startAction")->trigger(); // the shortcut path is blocked too
    QCOMPARE(window->session()->state(), State::Idle);
    setField(page->form(), "batch_size", "abc");
    QVERIFY(page->form()->messageFor("batch_size").contains("not a whole number"));
    setField(page->form(), "learning_rate", "0.01");
    setField(page->form(), "batch_size", "64");
    QVERIFY(page->form()->isValid());
    QVERIFY(page->form()->messageFor("learning_rate").isEmpty());
    QVERIFY(start->isEnabled());
    // bfloat16: offered everywhere, refused where this CPU cannot run it
    qobject_cast<QComboBox*>(page->form()->editor("precision"))->setCurrentText("bfloat16");
    QCOMPARE(page->form()->config().precision, Precision::BFloat16);
    QCOMPARE(start->isEnabled(), bfloat16Native());
    QCOMPARE(page->form()->messageFor("precision").contains("needs a CPU with AVX-512 BF16"), !bfloat16Native());
}

void TestMainWindow::irrelevantFieldsAreGreyedOut()
{
    auto window = openWindow();
    auto* form = window->trainPage()->form();
    auto* optimizer = qobject_cast<QComboBox*>(form->editor("optimizer"));
    optimizer->setCurrentText("adam");
    QVERIFY(!form->editor("momentum")->isEnabled());
    QVERIFY(form->editor("adam_beta1")->isEnabled());
    optimizer->setCurrentText("sgd");
    QVERIFY(form->editor("momentum")->isEnabled());
    QVERIFY(!form->editor("adam_beta1")->isEnabled());
    for (const auto& field : configFields()) // every field has its editor (the architecture has its picker)
        QVERIFY2(std::string(field.key) == "model" || form->editor(field.key), field.key);
    auto* augment = qobject_cast<QCheckBox*>(form->editor("augmentation"));
    augment->setChecked(false);
    QVERIFY(!form->editor("aug_rotation")->isEnabled());
    augment->setChecked(true);
    QVERIFY(form->editor("aug_rotation")->isEnabled());
}

void TestMainWindow::presetsAndConfigFilesFillTheForm()
{
    auto window = openWindow();
    auto* page = window->trainPage();
    auto* presets = page->findChild<QComboBox*>("preset");
    presets->setFocus();
    while (presets->currentText() != "seed003-tiny" && presets->currentIndex() < presets->count() - 1)
        QTest::keyClick(presets, Qt::Key_Down); // the keyboard activates items like a user would
    QCOMPARE(presets->currentText(), QString("seed003-tiny"));
    QVERIFY(page->findChild<QLabel*>("presetInfo")->text().startsWith("seed003-tiny: Tiny CNN v3"));
    QCOMPARE(page->architecturePanel()->currentId(), QString("tiny-v3"));
    QCOMPARE(qobject_cast<QComboBox*>(page->form()->editor("scheduler"))->currentText(), QString("onecycle"));
    QCOMPARE(page->config().model, std::string("tiny-v3"));

    // Seed 000's config.json, as the notebook writes it.
    QFile seed(m_dir.filePath("seed000-config.json"));
    QVERIFY(seed.open(QIODevice::WriteOnly));
    seed.write(R"({"model": "MNISTResNet", "batch_size": 128, "learning_rate": 0.1, "weight_decay": 0.0001,
                   "momentum": 0.9, "num_epochs": 30, "warmup_epochs": 3, "dropout_rate": 0.25, "seed": 42,
                   "optimizer": "SGD", "scheduler": "CosineAnnealingLR", "early_stopping_patience": 10})");
    seed.close();
    QCOMPARE(page->loadConfigFrom(seed.fileName()), QString());
    QCOMPARE(page->architecturePanel()->currentId(), QString("resnet"));
    QCOMPARE(qobject_cast<QLineEdit*>(page->form()->editor("learning_rate"))->text(), QString("0.1"));
    QCOMPARE(qobject_cast<QComboBox*>(page->form()->editor("optimizer"))->currentText(), QString("sgd"));
    QCOMPARE(qobject_cast<QComboBox*>(page->form()->editor("scheduler"))->currentText(), QString("warmup-cosine"));
    QVERIFY(page->form()->isValid());

    QFile broken(m_dir.filePath("broken.json"));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"batch_size\": ");
    broken.close();
    const QString error = page->loadConfigFrom(broken.fileName());
    QVERIFY2(error.contains("broken.json"), qPrintable(error));
    QCOMPARE(page->config().model, std::string("resnet")); // nothing changed
}

void TestMainWindow::scheduleAndAugmentationPreviewsFollowTheForm()
{
    auto window = openWindow();
    auto* page = window->trainPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canStart(), 20000);
    auto* form = page->form();
    qobject_cast<QComboBox*>(form->editor("scheduler"))->setCurrentText("onecycle");
    setField(form, "max_lr", "0.5");
    setField(form, "batch_size", "10");
    setField(form, "num_epochs", "3");
    setField(form, "val_fraction", "0.1");
    // 300 training images − 30 for validation = 270 → 27 steps per epoch, 81 planned rates.
    auto* lr = page->charts()->lrChart();
    const auto& planned = lr->samples(0);
    QCOMPARE(int(planned.size()), 81);
    double peak = 0;
    for (const auto& p : planned)
        peak = std::max(peak, p.value);
    QVERIFY2(peak <= 0.5 && peak > 0.49, qPrintable(QString::number(peak))); // peak at step 0.3·81 − 1 = 23.3
    QVERIFY(std::abs(planned.front().value - 0.5 / 25) < 1e-12);             // max_lr / div_factor
    QVERIFY(std::abs(planned.back().value - 0.5 / 25 / 1e4) < 1e-12);        // … / final_div_factor

    auto* preview = page->augmentationPreview();
    auto* augment = qobject_cast<QCheckBox*>(form->editor("augmentation"));
    augment->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(preview->rows() > 0 && preview->grid().first().size() == 6, 10000);
    const QImage before = preview->grid().first()[1];
    setField(form, "aug_rotation", "60");
    QTRY_VERIFY_WITH_TIMEOUT(preview->grid().first()[1] != before, 10000);
    augment->setChecked(false);
    QTRY_VERIFY_WITH_TIMEOUT(preview->grid().first().size() == 1, 10000);
}

void TestMainWindow::trainsLivePausesResumesAndStops()
{
    auto window = openWindow();
    auto* page = window->trainPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canStart(), 20000);
    chooseTinyRun(page, 400);
    auto* loss = page->charts()->lossChart();
    QTest::mouseClick(page->findChild<QPushButton*>("startButton"), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), State::Running);
    QTRY_VERIFY_WITH_TIMEOUT(loss->sampleCount(0) > 30, 20000);
    QTRY_VERIFY(loss->drawnCount(0) > 0);                             // the timer repainted
    QTRY_VERIFY(page->charts()->accuracyChart()->sampleCount(2) > 0); // a validation epoch
    QTRY_VERIFY(page->controls()->progressValue() > 0);
    QVERIFY(page->controls()->progressText().contains("img/s"));

    QTest::mouseClick(page->findChild<QPushButton*>("pauseButton"), Qt::LeftButton);
    QCOMPARE(window->session()->state(), State::Paused);
    QCOMPARE(page->findChild<QPushButton*>("pauseButton")->text(), QString("Resume"));
    // The batch (or validation pass) in flight still lands: wait for a quiet 600 ms, which a run
    // that ignored the pause never gives (instrumented builds need more than a fixed 300 ms).
    int frozen = -1;
    for (int tries = 0; tries < 20 && frozen != loss->sampleCount(0); ++tries) {
        frozen = loss->sampleCount(0);
        QTest::qWait(600);
    }
    QCOMPARE(loss->sampleCount(0), frozen);
    QTest::qWait(600);
    QCOMPARE(loss->sampleCount(0), frozen);

    QTest::mouseClick(page->findChild<QPushButton*>("pauseButton"), Qt::LeftButton);
    QCOMPARE(window->session()->state(), State::Running);
    QTRY_VERIFY(loss->sampleCount(0) > frozen + 10);

    QTest::mouseClick(page->findChild<QPushButton*>("stopButton"), Qt::LeftButton);
    QTRY_COMPARE(window->session()->state(), State::Idle);
    QTRY_VERIFY(page->controls()->status().contains("stopped by user"));
    QVERIFY(loss->markerCount() >= 1);
    const auto runId = window->session()->runId();
    RunStore store(m_runs);
    QCOMPARE(store.run(runId)->status, QString("stopped"));
    QVERIFY(store.run(runId)->resumable());
    QVERIFY(QFile::exists(store.runDir(runId) + "/latest.pt"));
    QVERIFY(page->findChild<QPushButton*>("startButton")->isEnabled());
    setField(page->form(), "learning_rate", "0.002"); // a new setup: the status says it is ready
    QVERIFY2(page->controls()->status().startsWith("Ready: mlp"), qPrintable(page->controls()->status()));
}

void TestMainWindow::chartsSmoothLogExportAndReadOut()
{
    auto window = openWindow();
    auto* page = window->trainPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canStart(), 20000);
    chooseTinyRun(page, 2);
    auto* charts = page->charts();
    auto* loss = charts->lossChart();
    auto* accuracy = charts->accuracyChart();
    const int averaged = accuracy->seriesIndex("EMA val");
    QVERIFY(averaged >= 0);
    charts->refresh();
    QVERIFY(!accuracy->inLegend(averaged)); // not a curve every run has
    setField(page->form(), "ema_decay", "0.9");
    QSignalSpy messages(page, &TrainPage::statusMessage);
    page->start();
    QTRY_VERIFY_WITH_TIMEOUT(!window->session()->isActive() && page->charts()->lossChart()->sampleCount(3) == 2, 30000);
    charts->refresh();
    // The weight average's validation: a second curve beside the weights', in the legend now.
    QCOMPARE(accuracy->sampleCount(averaged), 2);
    QCOMPARE(loss->sampleCount(loss->seriesIndex("EMA val")), 2);
    QVERIFY(accuracy->inLegend(averaged));
    QCOMPARE(RunStore(m_runs).epochs(window->session()->runId()).back().emaValAccuracy * 100,
             accuracy->samples(averaged).back().value);
    // Beside it, each class's validation accuracy (of the average, the weights the run keeps):
    // a heat strip of both epochs, the store's figures, the weakest class named in the status.
    const auto stored = RunStore(m_runs).epochs(window->session()->runId());
    auto* strip = charts->classStrip();
    QCOMPARE(strip->epochCount(), 2);
    QCOMPARE(int(stored.back().valClassAccuracy.size()), 10);
    for (int k = 0; k < 10; ++k)
        if (!std::isnan(stored.back().valClassAccuracy[std::size_t(k)]))
            QCOMPARE(strip->value(1, k), stored.back().valClassAccuracy[std::size_t(k)]);
    const int weak = stored.back().weakestClass();
    QString epochLine;
    for (const auto& m : messages)
        if (m.at(0).toString().startsWith("Epoch 2/2"))
            epochLine = m.at(0).toString();
    QVERIFY2(epochLine.contains(QString("weakest class %1 (").arg(weak)), qPrintable(epochLine));
    QVERIFY(strip->readoutAt(strip->cellRect(1, weak).center()).startsWith(QString("%1, epoch 2: ").arg(weak)));
    // Its curves on demand: one per class, hidden until asked for.
    QVERIFY(!charts->classChart()->isVisible());
    page->findChild<QToolButton*>("classCurvesButton")->click();
    QVERIFY(charts->classChart()->isVisible());
    QCOMPARE(charts->classChart()->seriesCount(), 10);
    QCOMPARE(charts->classChart()->samples(weak).back().value, stored.back().valClassAccuracy[std::size_t(weak)] * 100);
    // Smoothing changes the smoothed curve only; the raw one stays as recorded.
    const auto raw = loss->drawnPoints(0);
    page->findChild<QSlider*>("smoothing")->setValue(0);
    charts->refresh();
    QCOMPARE(loss->drawnPoints(1), loss->drawnPoints(0));
    page->findChild<QSlider*>("smoothing")->setValue(95);
    charts->refresh();
    QVERIFY(loss->drawnPoints(1) != loss->drawnPoints(0));
    QCOMPARE(loss->drawnPoints(0), raw);

    page->findChild<QCheckBox*>("logScale")->setChecked(true);
    QVERIFY(loss->isLogScale());
    auto* xAxis = page->findChild<QComboBox*>("xAxis");
    xAxis->setCurrentIndex(xAxis->findText("Epoch"));
    charts->refresh();
    QCOMPARE(loss->xAxis(), XAxis::Epoch);
    QVERIFY(loss->drawnPoints(3).last().x() == 2.0); // the second epoch's train loss at x = 2

    loss->showReadoutAt(loss->positionOf(3, loss->drawnPoints(3).last()));
    QVERIFY2(loss->hoverText().contains("epoch 2.00"), qPrintable(loss->hoverText()));

    for (const QString suffix : {"png", "svg", "csv"}) {
        const QString path = m_dir.filePath("loss." + suffix);
        QCOMPARE(loss->exportTo(path), QString());
        QVERIFY(QFileInfo(path).size() > 100);
    }
    QFile csv(m_dir.filePath("loss.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const auto lines = QString::fromUtf8(csv.readAll()).split('\n', Qt::SkipEmptyParts);
    int samples = 0;
    for (int s = 0; s < loss->seriesCount(); ++s)
        samples += loss->sampleCount(s);
    QCOMPARE(lines.size(), samples + 1);
    QVERIFY(!loss->exportTo(m_dir.filePath("loss.bmp")).isEmpty());
    QImage png(m_dir.filePath("loss.png"));
    QVERIFY(!png.isNull() && png.width() >= loss->width());
}

void TestMainWindow::closingMidRunStopsAndJoinsTheThread()
{
    auto window = openWindow();
    auto* page = window->trainPage();
    QTRY_VERIFY_WITH_TIMEOUT(page->canStart(), 20000);
    chooseTinyRun(page, 400);
    page->start();
    QTRY_VERIFY_WITH_TIMEOUT(page->charts()->lossChart()->sampleCount(0) > 20, 20000);
    const auto runId = window->session()->runId();
    QVERIFY(runId > 0);
    window->close();
    QCOMPARE(window->session()->state(), State::Idle); // the worker was joined in closeEvent
    RunStore store(m_runs);
    QCOMPARE(store.run(runId)->status, QString("stopped"));
    QVERIFY(QFile::exists(store.runDir(runId) + "/latest.pt"));
}

void TestMainWindow::missingDatasetSaysWhereItLookedAndAcceptsAFolder()
{
    const QString nowhere = m_dir.filePath("no-such-folder");
    auto window = openWindow(nowhere);
    auto* panel = window->trainPage()->datasetPanel();
    auto* missing = panel->findChild<QLabel*>("datasetMissing");
    QVERIFY(missing->isVisible());
    QVERIFY2(missing->text().contains(nowhere), qPrintable(missing->text()));
    QVERIFY(!window->trainPage()->canStart());
    QVERIFY(!panel->selectFolder(m_dir.filePath("runs")));
    QVERIFY(panel->statusText().contains("holds no IDX dataset"));
    QVERIFY(panel->selectFolder(m_data));
    QVERIFY(!missing->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(window->trainPage()->canStart(), 20000);
    QVERIFY(panel->statusText().contains("300 training / 100 test images"));
    QVERIFY(panel->extraFolders().contains(QDir::cleanPath(m_data)));
}

void TestMainWindow::aboutNamesTheLibraryVersions()
{
    const QString text = MainWindow::aboutText();
    QVERIFY(text.contains(QString("Qt %1").arg(qVersion())));
    QVERIFY(text.contains("LibTorch 1."));
    QVERIFY(text.contains("OpenCV 4."));
}

STUDIO_TEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
