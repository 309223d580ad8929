#pragma once
#include "training/TrainConfig.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;
class QTabWidget;
class QTimer;

namespace studio {
class RunStore;
}

namespace studio::ui {

class ArchitectureChart;
class DataSource;
class RunComparisonView;
class RunsFilterModel;
class RunsService;
class RunsTableModel;
class SeedGroupsView;
class StudyPanel;
class StudyQueue;
class SweepPanel;
class SweepWorkers;
class TrainingSession;

/// Experiment tracking over the run store: the runs table (sort, filter, rename, tag, delete),
/// selected runs compared (overlaid curves, hyperparameter diff), architectures compared, seed
/// groups with mean ± std and the spread test, studies queued from here, sweeps (created, trained by
/// local workers, read as parallel coordinates whose brushes filter the table), resume / clone / report.
/// While shown it follows runs other connections write to the store (the training session, a CLI
/// run beside it) through the RunsService.
class RunsPage : public QWidget {
    Q_OBJECT
public:
    RunsPage(TrainingSession* session, DataSource* data, RunsService* runs, QWidget* parent = nullptr);
    ~RunsPage() override;

    /// Re-reads the store now (keeps the selection).
    void refresh();
    /// Fills the dataset filter with the datasets of the runs listed (keeps the choice).
    void listDatasets();
    /// Selects these runs in the table (and compares them).
    void selectRuns(const std::vector<qint64>& ids);
    std::vector<qint64> selectedRuns() const;
    /// Deletes rows and folders without asking (the Delete button asks first).
    QString deleteRuns(const std::vector<qint64>& ids);
    /// Evaluates `runId` on the test split off the UI thread, then writes its report into
    /// `folder`; reportFinished() follows.
    void exportReport(qint64 runId, const QString& folder);
    /// Where the base configuration of studies comes from.
    void setBaseConfig(std::function<TrainConfig()> base);

    RunsTableModel* model() const { return m_model; }
    RunsFilterModel* filter() const { return m_filter; }
    QTableView* table() const { return m_table; }
    RunComparisonView* comparison() const { return m_comparison; }
    ArchitectureChart* architectures() const { return m_architectures; }
    StudyPanel* studies() const { return m_studies; }
    StudyQueue* queue() const { return m_queue; }
    SeedGroupsView* seeds() const { return m_seeds; }
    SweepPanel* sweeps() const { return m_sweeps; }
    SweepWorkers* sweepWorkers() const { return m_sweepWorkers; }
    QTabWidget* tabs() const { return m_tabs; }
    QString statusText() const;

Q_SIGNALS:
    void resumeRequested(qint64 runId);
    void cloneRequested(const studio::TrainConfig& config);
    /// Open this checkpoint on the Analyze page (a sweep's best run).
    void analyzeRequested(const QString& checkpoint);
    /// The report of exportReport(): "" or the error.
    void reportFinished(const QString& folder, const QString& error);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void onSelectionChanged();
    /// The service's runs into the table, charts and groups (deferred while a cell is edited).
    void showRuns();
    void confirmDelete();
    void chooseReportFolder();
    void updateButtons();
    void setStatus(const QString& text, bool error = false);

    TrainingSession* m_session;
    DataSource* m_data;
    RunsService* m_runs;
    RunsTableModel* m_model;
    RunsFilterModel* m_filter;
    QLineEdit* m_search;
    QComboBox* m_status;
    QComboBox* m_datasets;
    QPushButton* m_resume;
    QPushButton* m_clone;
    QPushButton* m_report;
    QPushButton* m_delete;
    QTableView* m_table;
    QTabWidget* m_tabs;
    RunComparisonView* m_comparison;
    ArchitectureChart* m_architectures;
    SeedGroupsView* m_seeds;
    StudyQueue* m_queue;
    StudyPanel* m_studies;
    SweepWorkers* m_sweepWorkers;
    SweepPanel* m_sweeps;
    QLabel* m_message;
    bool m_showPending = false; ///< runs changed while a cell was being edited
    bool m_reporting = false;
};

} // namespace studio::ui
