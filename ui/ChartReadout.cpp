#include "ChartReadout.h"

#include <QBrush>
#include <QGraphicsEllipseItem>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QPalette>
#include <QPen>

#include <algorithm>

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

} // namespace studio::ui
