#pragma once
#include <QDialog>
#include <QFutureWatcher>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace studio::ui {

class RunsService;

/// File → Export model…: one of the run store's checkpoints written as an ONNX file (what
/// `mnist-studio-cli export` writes), off the UI thread; the dialog then says what it wrote, or
/// the problem.
class ExportModelDialog : public QDialog {
    Q_OBJECT
public:
    /// Lists `runs`' checkpoints with `checkpoint` chosen when it is among them.
    ExportModelDialog(RunsService* runs, const QString& checkpoint, QWidget* parent = nullptr);

    QString outputPath() const;
    void setOutputPath(const QString& path);
    /// Starts the export of the chosen checkpoint to outputPath(); finished() follows.
    void startExport();
    QString statusText() const;

Q_SIGNALS:
    /// The export ended: "" or the problem.
    void finished(const QString& error);

private:
    struct Outcome {
        QString written; ///< what the file holds, on success
        QString error;
    };
    void suggestPath();
    void browse();
    void done();

    RunsService* m_runs;
    QComboBox* m_checkpoints;
    QLineEdit* m_path;
    QLabel* m_status;
    QPushButton* m_export;
    QFutureWatcher<Outcome> m_job;
    QString m_target; ///< the file being written
};

} // namespace studio::ui
