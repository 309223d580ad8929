#pragma once
#include "evaluation/Calibration.h"

#include <QWidget>

#include <optional>

namespace studio::ui {

/// The top-label reliability diagram: accuracy per confidence bin against the diagonal, the gap
/// to perfect calibration shaded, over a histogram of how many images each bin holds, with ECE,
/// MCE, Brier and NLL. With a temperature-scaled summary it draws both on the same axes.
class ReliabilityDiagram : public QWidget {
    Q_OBJECT
public:
    explicit ReliabilityDiagram(QWidget* parent = nullptr);

    /// `after` (optional): the same set at the fitted `temperature`.
    void setCalibration(const CalibrationSummary& before, const std::optional<CalibrationSummary>& after = {},
                        double temperature = 1.0);
    /// Shows the temperature-scaled bars instead of the raw ones (both sets of figures stay listed).
    void setShowCalibrated(bool on);
    bool showsCalibrated() const { return m_showCalibrated && m_after.has_value(); }
    QSize sizeHint() const override { return {560, 520}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    CalibrationSummary m_before;
    std::optional<CalibrationSummary> m_after;
    double m_temperature = 1.0;
    bool m_showCalibrated = false;
};

} // namespace studio::ui
