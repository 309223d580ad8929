#pragma once
#include <QPointF>
#include <QRectF>
#include <QString>

class QGraphicsEllipseItem;
class QGraphicsItem;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QPalette;

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

} // namespace studio::ui
