#pragma once
#include "SeriesBuffer.h"

#include <QList>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;

namespace studio::ui {

class LiveChart;

/// The controls a set of LiveCharts shares: smoothing slider, log scale (for the charts that
/// take it), x axis (step, epoch, wall time) and export (menu and each chart's context menu;
/// PNG, SVG or CSV).
class ChartToolbar : public QWidget {
    Q_OBJECT
public:
    ChartToolbar(QList<LiveChart*> charts, QList<LiveChart*> logCharts, QWidget* parent = nullptr);

    void setSmoothing(double weight);
    void setLogScale(bool on);
    void setXAxis(XAxis axis);
    /// Asks for a file and exports `chart` to it.
    void exportChart(LiveChart* chart);

private:
    QList<LiveChart*> m_charts;
    QList<LiveChart*> m_logCharts;
    QSlider* m_smoothing;
    QLabel* m_smoothingValue;
    QCheckBox* m_logScale;
    QComboBox* m_xAxis;
};

} // namespace studio::ui
