#include "ExportModelDialog.h"

#include "RunsService.h"
#include "TorchTasks.h"

#include "inference/OnnxExport.h"
#include "runs/RunExport.h"
#include "util/StudioError.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QVBoxLayout>

namespace studio::ui {

ExportModelDialog::ExportModelDialog(RunsService* runs, const QString& checkpoint, QWidget* parent)
    : QDialog(parent), m_runs(runs), m_checkpoints(new QComboBox(this)), m_path(new QLineEdit(this)),
      m_status(new QLabel(this)), m_export(new QPushButton(tr("Export"), this))
{
    setObjectName("exportModelDialog");
    setWindowTitle(tr("Export model"));
    m_checkpoints->setObjectName("exportCheckpoint");
    m_path->setObjectName("exportPath");
    m_status->setObjectName("exportStatus");
    m_export->setObjectName("exportButton");
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    for (const auto& choice : runs->checkpoints())
        m_checkpoints->addItem(choice.label, choice.path);
    if (const int index = m_checkpoints->findData(checkpoint); index >= 0)
        m_checkpoints->setCurrentIndex(index);

    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(browse);
    auto* format = new QLabel(tr("ONNX (opset %1): OpenCV DNN, ONNX Runtime and most runtimes load it. Input "
                                 "\"pixels\" N×1×28×28 in [0, 1], light on dark, normalised inside; output "
                                 "\"logits\".")
                                  .arg(kOnnxOpset),
                              this);
    format->setWordWrap(true);
    auto* form = new QFormLayout;
    form->addRow(tr("Model"), m_checkpoints);
    form->addRow(tr("Format"), format);
    form->addRow(tr("File"), pathRow);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_export, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(560);

    if (m_checkpoints->count() == 0) {
        m_status->setText(tr("No run has a checkpoint yet: train a model on the Train page first."));
        m_export->setEnabled(false);
    }
    suggestPath();
    connect(m_checkpoints, &QComboBox::currentIndexChanged, this, &ExportModelDialog::suggestPath);
    connect(browse, &QPushButton::clicked, this, &ExportModelDialog::browse);
    connect(m_export, &QPushButton::clicked, this, &ExportModelDialog::startExport);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_job, &QFutureWatcher<Outcome>::finished, this, &ExportModelDialog::done);
}

QString ExportModelDialog::outputPath() const
{
    return m_path->text().trimmed();
}

void ExportModelDialog::setOutputPath(const QString& path)
{
    m_path->setText(path);
}

QString ExportModelDialog::statusText() const
{
    return m_status->text();
}

/// "<documents>/<run name or model>-run-N.onnx" in the folder of the path shown.
void ExportModelDialog::suggestPath()
{
    const auto choices = m_runs->checkpoints();
    const int index = m_checkpoints->currentIndex();
    if (index < 0 || index >= choices.size())
        return;
    const auto* run = m_runs->run(choices[index].runId);
    QString folder = QFileInfo(outputPath()).absolutePath();
    if (outputPath().isEmpty() || !QFileInfo(folder).isDir())
        folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString stem = run ? QString("%1-run-%2").arg(run->model).arg(run->id) : QString("model");
    m_path->setText(QDir(folder).filePath(stem + (choices[index].which == "latest" ? "-latest" : "") + ".onnx"));
}

void ExportModelDialog::browse()
{
    const auto path =
        QFileDialog::getSaveFileName(this, tr("Export model as"), outputPath(), tr("ONNX model (*.onnx)"));
    if (!path.isEmpty())
        m_path->setText(path.endsWith(".onnx", Qt::CaseInsensitive) ? path : path + ".onnx");
}

void ExportModelDialog::startExport()
{
    if (m_job.isRunning())
        return;
    const auto choices = m_runs->checkpoints();
    const int index = m_checkpoints->currentIndex();
    if (index < 0 || index >= choices.size())
        return;
    std::vector<std::pair<std::string, std::string>> extra;
    if (const auto* run = m_runs->run(choices[index].runId))
        extra = modelMetadata(*run, choices[index].which);
    m_export->setEnabled(false);
    m_status->setText(tr("Exporting…"));
    m_target = outputPath();
    m_job.setFuture(runTorchTask([checkpoint = choices[index].path, path = m_target, extra] {
        Outcome outcome;
        try {
            outcome.written =
                QString::fromStdString(exportOnnx(loadModelFromCheckpoint(checkpoint), path, extra).describe());
        } catch (const std::exception& e) { // StudioError, or anything else: never past the task
            outcome.error = QString::fromUtf8(e.what());
        }
        return outcome;
    }));
}

void ExportModelDialog::done()
{
    const auto outcome = m_job.result();
    m_export->setEnabled(true);
    if (outcome.error.isEmpty())
        m_status->setText(tr("Wrote %1: %2.\nCheck it with: mnist-studio-cli predict --onnx %1 IMAGE")
                              .arg(QDir::toNativeSeparators(m_target), outcome.written));
    else
        m_status->setText(tr("Not exported: %1").arg(outcome.error));
    Q_EMIT finished(outcome.error);
}

} // namespace studio::ui
