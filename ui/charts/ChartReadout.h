#pragma once
#include <QList>
#include <QPointF>
#include <QRectF>
#include <QString>

class QGraphicsEllipseItem;
class QGraphicsItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QChart;
class QPalette;
class QXYSeries;

namespace studio::ui {

/// The hover readout of a chart: a dot on the point and a boxed label beside it, kept inside the
/// plot area. Its items are children of the chart item.
class ChartReadout {
public:
    explicit ChartReadout(QGraphicsItem* chart);

    /// Shows `text` for the point at `at` (chart coordinates).
    void show(const QPointF& at, const QString& text, const QRectF& plotArea, const QPalette& palette);
    void hide();
    /// The text on show ("" when hidden).
    QString text() const;

private:
    QGraphicsEllipseItem* m_dot;
    QGraphicsRectItem* m_box;
    QGraphicsSimpleTextItem* m_label;
};

/// The drawn point nearest to `position` (chart coordinates) over the visible `series`, each sorted
/// by x, within `radius` pixels; `series` is −1 when none is that close.
struct NearestPoint {
    int series = -1;
    QPointF value;    ///< in the series' units
    QPointF position; ///< in chart coordinates
};
NearestPoint nearestPoint(QChart* chart, const QList<QXYSeries*>& series, const QPointF& position,
                          double radius = 40.0);

} // namespace studio::ui
