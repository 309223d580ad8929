#pragma once
#include "TrainingSession.h"

#include "training/TrainConfig.h"

#include <QWidget>

class QComboBox;
class QPushButton;

namespace studio::ui {

class ArchitecturePanel;
class AugmentationPreview;
class ConfigForm;
class DataSource;
class DatasetPanel;
class RunsService;
class ModelCatalog;
class TrainControls;
class TrainingCharts;

/// Set up a run and watch it live: dataset, preset, architecture, hyperparameters and
/// augmentation on the left; controls, progress and live charts on the right.
class TrainPage : public QWidget {
    Q_OBJECT
public:
    TrainPage(DataSource* data, TrainingSession* session, RunsService* runs, QWidget* parent = nullptr);

    TrainConfig config() const;
    void setConfig(const TrainConfig& config);
    /// The form is valid, a dataset is loaded and no run is active.
    bool canStart() const;

    void start();
    /// Continues a stopped or interrupted run of the store: its recorded curves are drawn first and
    /// the live ones continue them. Returns "" or why it cannot (a run is active, other dataset, …).
    QString resumeRun(qint64 runId);
    void togglePause();
    void stop();
    void loadConfig();
    void saveConfig();
    /// Loads a config file; returns "" or the error shown.
    QString loadConfigFrom(const QString& path);

    DatasetPanel* datasetPanel() const { return m_dataset; }
    ArchitecturePanel* architecturePanel() const { return m_architecture; }
    ConfigForm* form() const { return m_form; }
    TrainControls* controls() const { return m_controls; }
    TrainingCharts* charts() const { return m_charts; }
    AugmentationPreview* augmentationPreview() const { return m_preview; }

Q_SIGNALS:
    /// A one-line message for the window's status bar.
    void statusMessage(const QString& text);

private:
    QWidget* buildSetupPanel();
    void applyPreset(int index);
    void onFormChanged();
    void updateControls();
    void connectSession();

    DataSource* m_data;
    TrainingSession* m_session;
    RunsService* m_runs;
    ModelCatalog* m_catalog;
    DatasetPanel* m_dataset;
    QComboBox* m_presets;
    ArchitecturePanel* m_architecture;
    ConfigForm* m_form;
    AugmentationPreview* m_preview;
    TrainControls* m_controls;
    TrainingCharts* m_charts;
    QWidget* m_setup = nullptr;
    bool m_showsReadiness = false; ///< the status line holds a readiness message, not a run's outcome
};

} // namespace studio::ui
