#pragma once
#include "runs/RunStore.h"

#include <QWidget>

#include <functional>
#include <optional>
#include <set>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace studio::ui {

class DataSource;
class ParallelCoordinates;
class RunsService;
class SweepForm;
class SweepWorkers;

/// Sweeps from the studio: a new sweep from the Train page's configuration (SweepForm) on the
/// loaded dataset, the store's sweeps with their progress, workers on this machine started and
/// stopped, and the chosen sweep as parallel coordinates whose brushes filter the runs table. The
/// best run opens in Analyze; the brushed runs open in the comparison coloured by a varied field.
class SweepPanel : public QWidget {
    Q_OBJECT
public:
    SweepPanel(RunsService* runs, DataSource* data, SweepWorkers* workers, QWidget* parent = nullptr);

    void setBaseConfig(std::function<TrainConfig()> base) { m_base = std::move(base); }
    /// Files the form's sweep over the base configuration in the background; created() follows.
    /// Returns "" or the problem found before filing (also shown).
    QString createSweep();
    /// Re-reads the sweeps and the chosen sweep's runs from the service's store.
    void showSweeps();
    void selectSweep(qint64 id);
    qint64 currentSweep() const { return m_sweep; }
    QString startWorkers(int count);
    void stopWorkers();
    QString cancelSweep();
    /// The chosen sweep's finished run with the best metric.
    std::optional<RunRecord> bestRun() const;
    /// Opens the best run's best checkpoint in Analyze (analyzeRequested); "" or the problem.
    QString analyzeBest();

    SweepForm* form() const { return m_form; }
    ParallelCoordinates* chart() const { return m_chart; }
    QTableWidget* sweepTable() const { return m_table; }
    QString statusText() const;

Q_SIGNALS:
    /// The sweep filed by createSweep(): its id, or 0 and the error.
    void created(qint64 sweep, const QString& error);
    /// The runs the chart's brushes let through; nullopt when nothing is brushed.
    void filterRuns(const std::optional<std::set<qint64>>& ids);
    void analyzeRequested(const QString& checkpoint);
    /// Compare these runs, coloured by `field`.
    void compareRequested(const std::vector<qint64>& ids, const QString& field);

private:
    void showChart();
    /// The chosen sweep's record as last read, or nullptr.
    const SweepRecord* chosenSweep() const;
    void updateButtons();
    void setStatus(const QString& text, bool error = false);

    RunsService* m_runs;
    DataSource* m_data;
    SweepWorkers* m_workers;
    std::function<TrainConfig()> m_base;
    SweepForm* m_form;
    QPushButton* m_create;
    QTableWidget* m_table;
    QSpinBox* m_workerCount;
    QPushButton* m_start;
    QPushButton* m_stop;
    QPushButton* m_cancel;
    QPushButton* m_best;
    QPushButton* m_compare;
    QPushButton* m_clearBrushes;
    QLabel* m_workerLines;
    QLabel* m_status;
    ParallelCoordinates* m_chart;
    qint64 m_sweep = 0;
    std::vector<SweepRecord> m_sweeps;
    std::vector<RunRecord> m_sweepRuns;
    bool m_creating = false;
};

} // namespace studio::ui
