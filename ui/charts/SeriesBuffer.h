#pragma once
#include <QList>
#include <QPointF>
#include <QString>

class QTextStream;

#include <vector>

namespace studio::ui {

/// The x axes a training chart can show.
enum class XAxis { Step, Epoch, WallTime };

/// One sample of a training curve, placed on every x axis at once.
struct ChartPoint {
    double step = 0;    ///< global optimisation step
    double epoch = 0;   ///< fractional epochs (epoch ends are whole numbers)
    double seconds = 0; ///< wall time since the run started (NaN when unknown, e.g. a planned schedule)
    double value = 0;

    double x(XAxis axis) const { return axis == XAxis::Step ? step : axis == XAxis::Epoch ? epoch : seconds; }
};

/// The raw samples of one curve and what a chart draws of them: TensorBoard's debiased
/// exponential moving average, then min/max decimation to the plot's pixel columns, so a run with
/// tens of thousands of batches draws a few thousand points and loses no spike.
class SeriesBuffer {
public:
    void append(const ChartPoint& point) { m_points.push_back(point); }
    void clear() { m_points.clear(); }
    const std::vector<ChartPoint>& points() const { return m_points; }
    bool isEmpty() const { return m_points.empty(); }

    /// Values smoothed with weight w in [0, 1): s = w·s + (1 − w)·y, divided by (1 − w^n) to remove
    /// the bias towards 0 of the first samples (TensorBoard's definition). w = 0 gives the raw
    /// values; non-finite values are passed through and do not enter the average.
    std::vector<double> smoothed(double weight) const;

    /// The points to draw: x on `axis`, smoothed values, then for every one of `columns` equal
    /// slices of [xMin, xMax] only its smallest and largest value (in x order). Points with a
    /// non-finite x or value, or a value ≤ 0 on a log scale, are left out.
    QList<QPointF> display(XAxis axis, double weight, int columns, double xMin, double xMax, bool logScale) const;

    /// One CSV row per sample: "name",step,epoch,seconds,value,smoothed (empty for NaN).
    void writeCsv(QTextStream& out, const QString& name, double weight) const;

private:
    std::vector<ChartPoint> m_points;
};

} // namespace studio::ui
