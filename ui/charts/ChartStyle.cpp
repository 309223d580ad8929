#include "ChartStyle.h"

#include <QAbstractAxis>
#include <QChart>
#include <QFont>
#include <QLegend>
#include <QObject>
#include <QPalette>
#include <QPen>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace studio::ui {

QString axisTitle(XAxis axis)
{
    switch (axis) {
    case XAxis::Step:
        return QObject::tr("step");
    case XAxis::Epoch:
        return QObject::tr("epoch");
    case XAxis::WallTime:
        return QObject::tr("wall time (s)");
    }
    return {};
}

QString formatX(XAxis axis, double x)
{
    switch (axis) {
    case XAxis::Step:
        return QStringLiteral("step %L1").arg(qint64(std::llround(x)));
    case XAxis::Epoch:
        return QStringLiteral("epoch %1").arg(x, 0, 'f', 2);
    case XAxis::WallTime:
        return QStringLiteral("%1:%2").arg(int(x) / 60).arg(int(x) % 60, 2, 10, QLatin1Char('0'));
    }
    return {};
}

double niceStep(double span, double ticks)
{
    const double raw = span / ticks;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / magnitude;
    return magnitude * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

ValueRange niceRange(double dataMin, double dataMax, double lowest, double highest)
{
    if (dataMax == dataMin && std::isfinite(lowest) && dataMin > lowest)
        dataMin = lowest; // a flat series above its floor is drawn against it (a constant learning rate from 0)
    double pad = (dataMax - dataMin) * 0.06;
    if (pad <= 0) // flat: a span of its own size
        pad = dataMax != 0 ? std::abs(dataMax) * 0.1 : 0.05;
    ValueRange r;
    r.step = niceStep(dataMax - dataMin + 2 * pad, 5.0);
    r.low = std::floor((dataMin - pad) / r.step) * r.step;
    r.high = std::ceil((dataMax + pad) / r.step) * r.step;
    if (std::isfinite(lowest) && dataMin >= lowest)
        r.low = std::max(r.low, lowest);
    if (std::isfinite(highest) && dataMax <= highest)
        r.high = std::min(r.high, highest);
    return r;
}

void applyChartPalette(QChart* chart, const QList<QAbstractAxis*>& axes, const QPalette& pal, const QFont& font)
{
    const QColor text = pal.color(QPalette::Text);
    QColor grid = pal.color(QPalette::Mid);
    grid.setAlpha(90);
    chart->setBackgroundBrush(pal.color(QPalette::Base));
    chart->setBackgroundPen(QPen(pal.color(QPalette::Mid), 1));
    chart->setTitleBrush(text);
    QFont titleFont = font;
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    chart->legend()->setLabelColor(text);
    for (auto* axis : axes) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid.lighter(120));
        axis->setLinePenColor(pal.color(QPalette::Mid));
    }
}

void setRangeAndInterval(QValueAxis* axis, double low, double high, double interval)
{
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0.0);
    if (interval >= axis->tickInterval()) {
        axis->setTickInterval(interval);
        axis->setRange(low, high);
    } else {
        axis->setRange(low, high);
        axis->setTickInterval(interval);
    }
}

} // namespace studio::ui
