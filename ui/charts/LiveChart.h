#pragma once
#include "SeriesBuffer.h"

#include <QChartView>
#include <QColor>
#include <QString>
#include <QList>
#include <QPointF>

#include <limits>
#include <memory>
#include <vector>

class QLineSeries;
class QLogValueAxis;
class QScatterSeries;
class QValueAxis;

namespace studio::ui {

class ChartReadout;

/// A chart of training curves that can take a sample per batch for hours: samples go into
/// SeriesBuffers, and refresh() (called from a timer) redraws smoothed, decimated series only
/// when something changed. Offers an x-axis choice, log scale, markers, a hover readout of the
/// nearest point and export to PNG, SVG or CSV.
class LiveChart : public QChartView {
    Q_OBJECT
public:
    struct SeriesStyle {
        QColor color;
        qreal width = 2.0;
        Qt::PenStyle pen = Qt::SolidLine;
        bool smoothable = false; ///< follows the smoothing weight (raw batch curves)
        bool dots = false;       ///< draws a dot on every point (per-epoch curves)
        bool optional = false;   ///< in the legend only once it has samples (a curve some runs have)
    };

    LiveChart(const QString& title, const QString& valueTitle, QWidget* parent = nullptr);
    ~LiveChart() override;

    /// Adds a curve; returns its index for append().
    int addSeries(const QString& name, const SeriesStyle& style);
    void append(int series, const ChartPoint& point);
    /// Forgets one curve's samples.
    void clearSeries(int series);
    /// Forgets every sample and marker.
    void clearAll();
    /// Removes every curve (and sample and marker): the chart can be refilled with other curves.
    void removeAllSeries();
    /// A labelled marker: a star on the curve's value, or (line) a vertical line across the plot.
    /// Replaces the marker with the same label.
    void setMarker(const QString& label, const ChartPoint& at, bool line);
    int markerCount() const { return int(m_markers.size()); }

    void setXAxis(XAxis axis);
    void setLogScale(bool on);
    void setSmoothing(double weight);
    /// The expected length of the run on the step and epoch axes, so curves grow into a fixed
    /// frame (0: fit the data).
    void setExtent(double steps, double epochs);

    /// Limits the value axis to what the quantity can take (e.g. 0 and 100 for accuracy in %);
    /// NaN leaves a side free.
    void setValueBounds(double lowest, double highest);

    /// Redraws when samples or settings changed since the last call; returns whether it did.
    bool refresh();

    QString title() const;
    int seriesCount() const { return int(m_curves.size()); }
    QString seriesName(int series) const;
    /// The index of the curve called `name`; -1 when there is none.
    int seriesIndex(const QString& name) const;
    /// Whether the legend lists the curve (as drawn at the last refresh).
    bool inLegend(int series) const;
    int sampleCount(int series) const;
    const std::vector<ChartPoint>& samples(int series) const
    {
        return m_curves.at(std::size_t(series)).buffer.points();
    }
    /// The points drawn for a series (after smoothing and decimation).
    QList<QPointF> drawnPoints(int series) const;
    bool isLogScale() const { return m_log; }
    XAxis xAxis() const { return m_axis; }
    int drawnCount(int series) const;
    /// The hover readout currently shown ("" when none).
    QString hoverText() const;
    /// Where a value of a series is drawn, in widget coordinates.
    QPoint positionOf(int series, const QPointF& value) const;
    /// Shows the readout of the point nearest to a widget position (what hovering does).
    void showReadoutAt(const QPoint& position);

    /// The chart as it is shown, as CSV (series,step,epoch,seconds,value[,smoothed]).
    QString toCsv() const;
    /// Writes the chart to a .png, .svg or .csv file (atomically); returns "" or an error message.
    QString exportTo(const QString& path);

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Curve {
        QString name;
        SeriesStyle style;
        SeriesBuffer buffer;
        QLineSeries* series = nullptr;
        QScatterSeries* dotSeries = nullptr;
    };
    struct Marker {
        QString label;
        ChartPoint at;
        bool line = false;
        QLineSeries* series = nullptr;
    };

    void applyPalette();
    void attachToAxes(QAbstractSeries* series);
    void updateRanges(double xMin, double xMax, double yMin, double yMax);
    void hideReadout();

    std::vector<Curve> m_curves;
    std::vector<Marker> m_markers;
    QScatterSeries* m_stars = nullptr;
    QValueAxis* m_x = nullptr;
    QValueAxis* m_linearY = nullptr;
    QLogValueAxis* m_logY = nullptr;
    std::unique_ptr<ChartReadout> m_readout;
    XAxis m_axis = XAxis::Step;
    bool m_log = false;
    double m_smoothing = 0.0;
    double m_extentSteps = 0.0, m_extentEpochs = 0.0;
    double m_lowest = std::numeric_limits<double>::quiet_NaN();
    double m_highest = std::numeric_limits<double>::quiet_NaN();
    bool m_dirty = true;
};

} // namespace studio::ui
