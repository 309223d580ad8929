#include "PlotFrame.h"

#include <QPainter>
#include <QPalette>
#include <QWidget>

#include <cmath>

namespace studio::ui {

double PlotFrame::py(double y) const
{
    const auto f = [this](double v) { return logCounts ? std::log10(1.0 + std::max(0.0, v)) : v; };
    return area.bottom() - (f(y) - f(yMin)) / (f(yMax) - f(yMin)) * area.height();
}

void PlotFrame::draw(QPainter& painter, const QPalette& palette, const std::vector<double>& xTicks,
                     const std::vector<double>& yTicks, const QString& xTitle, const QString& yTitle,
                     const std::function<QString(double)>& yLabel) const
{
    painter.save();
    const QFontMetrics fm(painter.font());
    QColor grid = palette.color(QPalette::Mid);
    grid.setAlpha(80);
    for (double x : xTicks) {
        painter.setPen(grid);
        painter.drawLine(QPointF(px(x), area.top()), QPointF(px(x), area.bottom()));
        painter.setPen(palette.color(QPalette::Text));
        painter.drawText(QRectF(px(x) - 30, area.bottom() + 3, 60, fm.height()), Qt::AlignHCenter | Qt::AlignTop,
                         QString::number(x, 'g', 3));
    }
    for (double y : yTicks) {
        painter.setPen(grid);
        painter.drawLine(QPointF(area.left(), py(y)), QPointF(area.right(), py(y)));
        painter.setPen(palette.color(QPalette::Text));
        painter.drawText(QRectF(area.left() - 58, py(y) - fm.height() / 2.0, 54, fm.height()),
                         Qt::AlignRight | Qt::AlignVCenter, yLabel ? yLabel(y) : QString::number(y, 'g', 3));
    }
    painter.setPen(palette.color(QPalette::Mid));
    painter.setBrush(Qt::NoBrush);
    painter.drawRect(area);
    painter.setPen(palette.color(QPalette::Text));
    painter.drawText(QRectF(area.left(), area.bottom() + fm.height() + 4, area.width(), fm.height()), Qt::AlignHCenter,
                     xTitle);
    painter.translate(area.left() - 62 - fm.height(), area.center().y());
    painter.rotate(-90);
    painter.drawText(QRectF(-area.height() / 2, 0, area.height(), fm.height() + 2), Qt::AlignHCenter, yTitle);
    painter.restore();
}

double beginPlot(QPainter& painter, const QWidget& widget, const QString& title)
{
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = widget.palette();
    painter.fillRect(widget.rect(), pal.color(QPalette::Base));
    const QFontMetrics fm(widget.font());
    QFont bold = widget.font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRectF(0, 2, widget.width(), fm.height() + 2), Qt::AlignHCenter, title);
    painter.setFont(widget.font());
    return fm.height() + 8;
}

void drawLegend(QPainter& painter, const QPalette& palette, QPointF at,
                const std::vector<std::pair<QString, QBrush>>& entries, double right)
{
    const QFontMetrics fm(painter.font());
    const double left = at.x();
    for (const auto& [label, brush] : entries) {
        if (right > 0 && at.x() > left && at.x() + 18 + fm.horizontalAdvance(label) > right)
            at = {left, at.y() + fm.height() + 4}; // wraps onto the next line
        painter.fillRect(QRectF(at.x(), at.y(), 12, 10), brush);
        painter.setPen(palette.color(QPalette::Text));
        painter.drawText(QPointF(at.x() + 18, at.y() + 10), label);
        at.rx() += 40 + fm.horizontalAdvance(label);
    }
}

std::vector<double> countTicks(double maximum)
{
    std::vector<double> ticks;
    for (double p = 1; p / 10 <= maximum; p *= 10)
        ticks.push_back(p);
    return ticks;
}

} // namespace studio::ui
