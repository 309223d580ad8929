#pragma once
#include "evaluation/Calibration.h"

#include <QWidget>

namespace studio::ui {

/// Histograms of top-label confidence for correct and for incorrect predictions, side by side
/// per bin, on a log count axis (correct predictions pile up near 1).
class ConfidenceHistogramView : public QWidget {
    Q_OBJECT
public:
    explicit ConfidenceHistogramView(QWidget* parent = nullptr);
    void setHistogram(const ConfidenceHistogram& histogram);
    QSize sizeHint() const override { return {560, 320}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    ConfidenceHistogram m_histogram;
};

} // namespace studio::ui
