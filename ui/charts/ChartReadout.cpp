#include "ChartReadout.h"

#include <QBrush>
#include <QChart>
#include <QGraphicsEllipseItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPalette>
#include <QPen>
#include <QXYSeries>

#include <algorithm>
#include <cmath>

namespace studio::ui {

ChartReadout::ChartReadout(QGraphicsItem* chart)
    : m_dot(new QGraphicsEllipseItem(chart)), m_box(new QGraphicsRectItem(chart)),
      m_label(new QGraphicsSimpleTextItem(chart))
{
    m_dot->setZValue(20);
    m_box->setZValue(20);
    m_label->setZValue(21);
    hide();
}

void ChartReadout::show(const QPointF& at, const QString& text, const QRectF& area, const QPalette& palette)
{
    m_dot->setRect(at.x() - 4, at.y() - 4, 8, 8);
    m_dot->setBrush(palette.color(QPalette::Highlight));
    m_dot->setPen(Qt::NoPen);
    m_label->setText(text);
    m_label->setBrush(palette.color(QPalette::Text));
    QPointF labelAt = at + QPointF(10, -26);
    labelAt.setX(std::min(labelAt.x(), area.right() - m_label->boundingRect().width()));
    labelAt.setY(std::max(labelAt.y(), area.top()));
    m_label->setPos(labelAt);
    QColor box = palette.color(QPalette::Base);
    box.setAlpha(225);
    m_box->setBrush(box);
    m_box->setPen(QPen(palette.color(QPalette::Mid), 1));
    m_box->setRect(m_label->mapRectToParent(m_label->boundingRect()).adjusted(-4, -2, 4, 2));
    m_dot->show();
    m_box->show();
    m_label->show();
}

void ChartReadout::hide()
{
    m_dot->hide();
    m_box->hide();
    m_label->hide();
}

QString ChartReadout::text() const
{
    return m_label->isVisible() ? m_label->text() : QString();
}

NearestPoint nearestPoint(QChart* chart, const QList<QXYSeries*>& series, const QPointF& position, double radius)
{
    NearestPoint best;
    double bestDistance = radius;
    for (int k = 0; k < series.size(); ++k) {
        QXYSeries* s = series[k];
        const auto points = s->points();
        if (points.isEmpty() || !s->isVisible())
            continue;
        const double x = chart->mapToValue(position, s).x();
        auto it = std::lower_bound(points.begin(), points.end(), x,
                                   [](const QPointF& p, double value) { return p.x() < value; });
        for (auto candidate : {it, it == points.begin() ? it : it - 1}) {
            if (candidate == points.end())
                continue;
            const QPointF at = chart->mapToPosition(*candidate, s);
            const double distance = std::hypot(at.x() - position.x(), at.y() - position.y());
            if (distance < bestDistance) {
                bestDistance = distance;
                best = {k, *candidate, at};
            }
        }
    }
    return best;
}

} // namespace studio::ui
