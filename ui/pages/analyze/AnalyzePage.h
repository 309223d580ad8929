#pragma once
#include "AnalysisService.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListView;
class QListWidget;
class QPushButton;

namespace studio::ui {

class ConfidenceHistogramView;
class ConfusionMatrixView;
class DataSource;
class EmbeddingPanel;
class EpochReplayBar;
class RunsService;
class GalleryModel;
class ImageDetailPanel;
class PerClassTable;
class ReliabilityDiagram;

/// A run's results on the test or validation split: summary strip; confusion matrix whose cells
/// filter the misclassification gallery; most-confused pairs; image detail with probabilities and
/// Grad-CAM; per-class table; reliability diagram and confidence histograms with temperature
/// scaling on or off; an embedding map of the images by the model's features. On the validation split of a run that
/// kept an epoch replay, an epoch slider replays all of these as they were at each epoch, and the gallery sorts by each
/// image's history. The evaluation runs off the UI thread.
class AnalyzePage : public QWidget {
    Q_OBJECT
public:
    AnalyzePage(DataSource* data, RunsService* runs, QWidget* parent = nullptr);

    void refreshRuns();
    /// Analyses `checkpoint` on `split` ("test" or "validation").
    void analyse(const QString& checkpoint, const QString& split = "test");
    /// Shows the gallery for one confusion cell (the diagonal shows correct images); −1 for both
    /// shows every error.
    void showCell(int trueClass, int predictedClass);

    const Analysis* analysis() const { return m_service->current(); }
    ConfusionMatrixView* confusionView() const { return m_confusion; }
    EpochReplayBar* replayBar() const { return m_replay; }
    EmbeddingPanel* embedding() const { return m_embedding; }
    GalleryModel* gallery() const { return m_gallery; }
    QString summaryText() const;
    /// Writes the confusion matrix to `path`: .png / .svg as drawn, .csv as counts with totals.
    /// Returns "" or a message naming the problem.
    QString exportConfusion(const QString& path);
    /// Limits the gallery to confidences in [low, high] (0..1).
    void setConfidenceRange(double low, double high);

Q_SIGNALS:
    /// "Open in canvas" on the selected image.
    void openInCanvas(const QImage& image);
    void robustnessWanted(const QImage& image, const QString& checkpoint);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* buildErrorsTab();
    QWidget* buildCalibrationTab();
    void showAnalysis(const Analysis* analysis);
    /// Shows the analysis at the epoch chosen on the replay bar (the checkpoint's own scores at its epoch).
    void showEpoch(int index);
    /// Draws every view from the evaluation on show (`fade`: the heat map fades from the one on show).
    void showEvaluation(const Analysis* analysis, bool fade = false);
    void applyFilter();
    void selectImage(const QModelIndex& index);
    void chooseConfusionExport();

    DataSource* m_data;
    RunsService* m_runsService;
    AnalysisService* m_service;
    QComboBox* m_runs;
    QComboBox* m_split;
    QPushButton* m_run;
    QLabel* m_status;
    QLabel* m_summary;
    EpochReplayBar* m_replay;
    ConfusionMatrixView* m_confusion = nullptr;
    QComboBox* m_normalisation = nullptr;
    QListWidget* m_pairs = nullptr;
    GalleryModel* m_gallery;
    PerClassTable* m_perClass;
    EmbeddingPanel* m_embedding;
    QListView* m_galleryView = nullptr;
    QComboBox* m_trueFilter = nullptr;
    QComboBox* m_predictedFilter = nullptr;
    QCheckBox* m_errorsOnly = nullptr;
    QComboBox* m_order = nullptr;
    QDoubleSpinBox* m_minConfidence = nullptr;
    QDoubleSpinBox* m_maxConfidence = nullptr;
    QLabel* m_count = nullptr;
    ImageDetailPanel* m_detail = nullptr;
    ReliabilityDiagram* m_reliability = nullptr;
    ConfidenceHistogramView* m_histogram = nullptr;
    QCheckBox* m_temperature = nullptr;
};

} // namespace studio::ui
