#pragma once
#include "InferenceService.h"

#include <QStringList>

#include <memory>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QTabWidget;

namespace studio::ui {

class DrawCanvas;
class DrawMapPanel;
struct MapLayout;
class ProbabilityBars;
class RobustnessPanel;
class RunsService;

/// Draw a digit and watch the model's probabilities change as the stroke grows: canvas with pen,
/// eraser, undo and clear; the 28×28 image the model sees; probability bars or the robustness
/// sweep (with the worst case) or its place on the embedding map; model chooser over the run store's checkpoints.
class DrawPage : public QWidget {
    Q_OBJECT
public:
    explicit DrawPage(RunsService* runs, QWidget* parent = nullptr);

    /// Re-reads the run store for checkpoints (keeps the current choice when it still exists).
    void refreshModels();
    /// Uses this checkpoint (also when it is not in the list).
    void useCheckpoint(const QString& path);
    /// Puts an image on the canvas to edit and re-score ("Open in canvas").
    void openImage(const QImage& image);
    /// Sweeps `image` with `checkpoint` (loaded unless already in use) on the robustness tab.
    void checkRobustness(const QImage& image, const QString& checkpoint);
    /// Shows the robustness tab (the sweep follows each drawing while it is on show).
    void showRobustness();
    /// Places each drawing on this embedding map (the Map tab) while its model is the one in use.
    void setMap(const std::shared_ptr<const MapLayout>& layout);
    /// Shows the Map tab.
    void showMap();

    RobustnessPanel* robustness() const { return m_robustness; }
    DrawMapPanel* mapPanel() const { return m_map; }
    DrawCanvas* canvas() const { return m_canvas; }
    ProbabilityBars* bars() const { return m_bars; }
    QImage modelInput() const { return m_input; }
    int predicted() const { return m_predicted; }
    QString modelStatus() const;
    /// The verdict as shown: the predicted class's name ("7", "Trouser") or "–".
    QString predictionText() const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    void showScore(const CanvasScore& score);
    void chooseModelFile();

    RunsService* m_runs;
    InferenceService* m_inference;
    DrawCanvas* m_canvas;
    ProbabilityBars* m_bars;
    RobustnessPanel* m_robustness;
    DrawMapPanel* m_map;
    QTabWidget* m_tabs;
    QComboBox* m_models;
    QLabel* m_modelStatus;
    QLabel* m_preview;
    QLabel* m_prediction;
    QLabel* m_latency;
    QSlider* m_penWidth;
    QCheckBox* m_eraser;
    QCheckBox* m_gradCam;
    QImage m_input;
    int m_predicted = -1;
    QStringList m_classNames; ///< the loaded model's classes
    QString m_checkpoint;     ///< the checkpoint last asked for
};

} // namespace studio::ui
