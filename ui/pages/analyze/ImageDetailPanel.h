#pragma once
#include "AnalysisService.h"

#include <QWidget>

class QCheckBox;
class QLabel;

namespace studio::ui {

class ProbabilityBars;

/// One image of an analysis, large: its scores (at the replayed epoch on show), its history over
/// the run's epochs (learned at, forgetting events), the probability of every class, an optional
/// Grad-CAM overlay (of the checkpoint's weights), "Robustness" and "Open in canvas".
class ImageDetailPanel : public QWidget {
    Q_OBJECT
public:
    explicit ImageDetailPanel(QWidget* parent = nullptr);

    /// Shows image `index` of `analysis` (−1: nothing).
    void show(const Analysis* analysis, std::int64_t index);
    /// The explanation of the image on show (ignored for another image).
    void setHeatMap(const HeatMap& map);
    bool wantsHeatMap() const;
    std::int64_t index() const { return m_index; }

Q_SIGNALS:
    /// The Grad-CAM box was ticked for an image without its map yet.
    void heatMapWanted(std::int64_t index, int targetClass);
    void openInCanvas(const QImage& image);
    /// "Robustness": sweep the image with the analysed checkpoint.
    void robustnessWanted(const QImage& image, const QString& checkpoint);

private:
    void redraw();
    /// The image's history over the run's epoch replay ("" without one).
    QString history() const;

    const Analysis* m_analysis = nullptr;
    std::int64_t m_index = -1;
    HeatMap m_heat;
    QLabel* m_image;
    QLabel* m_text;
    ProbabilityBars* m_bars;
    QCheckBox* m_gradCam;
};

} // namespace studio::ui
