// File → Export model… in the real window: the chosen run's checkpoint becomes an ONNX file that
// OpenCV runs, and a bad path is named without losing the dialog.
#include "ExportModelDialog.h"
#include "MainWindow.h"

#include "inference/OnnxModel.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "support/TestMain.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;
using namespace studio::ui;

class TestExportDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void exportsTheChosenRunAsOnnx();

private:
    QTemporaryDir m_dir;
    QString m_data, m_runs;
};

void TestExportDialog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_data = m_dir.filePath("data");
    m_runs = m_dir.filePath("runs");
    test::writeIdxFolder(test::syntheticDataset(20, 10), m_data);
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_dir.filePath("settings"));
    QCoreApplication::setOrganizationName("MNIST Studio Tests");
    QCoreApplication::setApplicationName("tst_exportdialog");
    QCOMPARE(test::trainRecordedRun(m_runs, m_data, 1), 1);
    QCOMPARE(test::trainRecordedRun(m_runs, m_data, 1), 2);
}

void TestExportDialog::exportsTheChosenRunAsOnnx()
{
    MainWindow window(MainWindow::Options{m_data, m_runs});
    window.show();
    auto* action = window.findChild<QAction*>("exportModelAction");
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_E));
    action->trigger();
    auto* dialog = window.findChild<ExportModelDialog*>();
    QVERIFY(dialog && dialog->isVisible());
    auto* runs = dialog->findChild<QComboBox*>("exportCheckpoint");
    QCOMPARE(runs->count(), 2); // newest first
    QVERIFY(runs->itemText(0).startsWith("Run 2"));
    QVERIFY(dialog->outputPath().endsWith("tiny-v1-run-2.onnx"));
    runs->setCurrentIndex(1);
    QVERIFY(dialog->outputPath().endsWith("tiny-v1-run-1.onnx"));

    QSignalSpy finished(dialog, &ExportModelDialog::finished);
    const auto path = m_dir.filePath("exported.onnx");
    dialog->setOutputPath(path);
    QTest::mouseClick(dialog->findChild<QPushButton*>("exportButton"), Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.at(0).at(0).toString(), QString());
    QVERIFY2(dialog->statusText().startsWith("Wrote " + path + ": tiny-v1, ONNX opset 13"),
             qPrintable(dialog->statusText()));
    dialog->grab().save(m_dir.filePath("dialog.png"));
    if (qEnvironmentVariableIsSet("STUDIO_SHOTS"))
        dialog->grab().save(qEnvironmentVariable("STUDIO_SHOTS") + "/export-dialog.png");
    const OnnxModel exported(path);
    QCOMPARE(QString::fromStdString(exported.metadata().at("run")), QString("1"));
    QCOMPARE(QString::fromStdString(exported.metadata().at("checkpoint")), QString("best"));
    QCOMPARE(QString::fromStdString(exported.metadata().at("architecture")), QString("tiny-v1"));

    // A folder as the file: the problem is shown, the dialog stays, the file written before is kept.
    dialog->setOutputPath(m_dir.path());
    QTest::mouseClick(dialog->findChild<QPushButton*>("exportButton"), Qt::LeftButton);
    QVERIFY(finished.wait(30000));
    QVERIFY2(dialog->statusText().contains("Not exported: Cannot write") &&
                 dialog->statusText().contains("it is a folder"),
             qPrintable(dialog->statusText()));
    QVERIFY(dialog->isVisible());
    QVERIFY(QFileInfo(path).size() > 1000);
}

STUDIO_TEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
