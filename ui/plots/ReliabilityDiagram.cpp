#include "ReliabilityDiagram.h"

#include "ChartColors.h"
#include "PlotFrame.h"

#include <QPainter>

#include <algorithm>

namespace studio::ui {
ReliabilityDiagram::ReliabilityDiagram(QWidget* parent) : QWidget(parent)
{
    setObjectName("reliabilityDiagram");
    setMinimumSize(380, 360);
}

void ReliabilityDiagram::setCalibration(const CalibrationSummary& before,
                                        const std::optional<CalibrationSummary>& after, double temperature)
{
    m_before = before;
    m_after = after;
    m_temperature = temperature;
    update();
}

void ReliabilityDiagram::setShowCalibrated(bool on)
{
    m_showCalibrated = on;
    update();
}

void ReliabilityDiagram::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QPalette pal = palette();
    const QFontMetrics fm(font());
    const auto& shown = showsCalibrated() ? *m_after : m_before;

    const double left = 70 + fm.height(), right = 16, top = fm.height() * 3 + 12;
    const double countHeight = std::max(60.0, height() * 0.2);
    const double bottomAxis = fm.height() * 2 + 10;
    PlotFrame main{QRectF(left, top, width() - left - right, height() - top - countHeight - 2 * bottomAxis - 8)};
    PlotFrame counts{QRectF(left, main.area.bottom() + bottomAxis + 8, main.area.width(), countHeight)};
    std::int64_t maxCount = 1;
    for (const auto& b : shown.bins)
        maxCount = std::max(maxCount, b.count);
    counts.yMax = double(maxCount);
    counts.logCounts = true;

    const double legendY =
        beginPlot(painter, *this,
                  showsCalibrated() ? tr("Reliability after temperature scaling (T = %1)").arg(m_temperature, 0, 'f', 3)
                                    : tr("Reliability (top-label confidence)"));

    std::vector<double> ticks{0, 0.2, 0.4, 0.6, 0.8, 1.0};
    main.draw(painter, pal, ticks, ticks, {}, tr("accuracy"));
    // Perfect calibration.
    painter.setPen(QPen(pal.color(QPalette::Text), 1.2, Qt::DashLine));
    painter.drawLine(QPointF(main.px(0), main.py(0)), QPointF(main.px(1), main.py(1)));
    for (const auto& b : shown.bins) {
        if (b.count == 0)
            continue;
        const double x0 = main.px(b.lower), x1 = main.px(b.upper);
        const QRectF bar(QPointF(x0 + 1, main.py(b.accuracy)), QPointF(x1 - 1, main.py(0)));
        painter.fillRect(bar, colors::correct);
        // The gap between accuracy and mean confidence.
        QColor gap = colors::error;
        gap.setAlpha(110);
        const QRectF gapRect(QPointF(x0 + 1, main.py(std::max(b.accuracy, b.confidence))),
                             QPointF(x1 - 1, main.py(std::min(b.accuracy, b.confidence))));
        painter.fillRect(gapRect, QBrush(gap, Qt::BDiagPattern));
        painter.setPen(QPen(colors::error, 1.2));
        painter.drawLine(QPointF(x0 + 1, main.py(b.confidence)), QPointF(x1 - 1, main.py(b.confidence)));
    }
    if (m_after && !showsCalibrated()) { // the calibrated accuracy as dots, for comparison
        painter.setPen(Qt::NoPen);
        painter.setBrush(colors::rate);
        for (const auto& b : m_after->bins)
            if (b.count > 0)
                painter.drawEllipse(QPointF(main.px(b.confidence), main.py(b.accuracy)), 3.5, 3.5);
        painter.setBrush(Qt::NoBrush);
    }

    counts.draw(painter, pal, ticks, countTicks(double(maxCount)), tr("confidence"), tr("images"),
                [](double v) { return v >= 1000 ? QStringLiteral("%1k").arg(v / 1000) : QString::number(v); });
    for (const auto& b : shown.bins)
        if (b.count > 0)
            painter.fillRect(QRectF(QPointF(counts.px(b.lower) + 1, counts.py(double(b.count))),
                                    QPointF(counts.px(b.upper) - 1, counts.py(0))),
                             colors::count);

    // Figures.
    QStringList lines{tr("ECE %1 · MCE %2").arg(m_before.ece, 0, 'f', 4).arg(m_before.mce, 0, 'f', 4),
                      tr("Brier %1 · NLL %2").arg(m_before.brier, 0, 'f', 4).arg(m_before.nll, 0, 'f', 4)};
    if (m_after)
        lines << tr("T = %1: ECE %2 · NLL %3")
                     .arg(m_temperature, 0, 'f', 3)
                     .arg(m_after->ece, 0, 'f', 4)
                     .arg(m_after->nll, 0, 'f', 4);
    const QRectF box(main.area.left() + 8, main.area.top() + 8, fm.horizontalAdvance(lines[0] + "mmmmmmmmmmmm"),
                     fm.height() * lines.size() + 8);
    QColor boxColor = pal.color(QPalette::Base);
    boxColor.setAlpha(220);
    painter.setBrush(boxColor);
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawRoundedRect(box, 4, 4);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(box.adjusted(6, 4, -4, -4), Qt::AlignLeft | Qt::AlignTop, lines.join('\n'));
    // Legend, in the band under the title; the calibrated accuracy is drawn as dots.
    drawLegend(
        painter, pal, {main.area.left(), legendY},
        {{tr("accuracy"), colors::correct}, {tr("gap to mean confidence"), QBrush(colors::error, Qt::BDiagPattern)}});
    if (m_after && !showsCalibrated()) {
        const QString label = tr("accuracy after scaling");
        const double x = main.area.right() - fm.horizontalAdvance(label) - 18;
        painter.setPen(Qt::NoPen);
        painter.setBrush(colors::rate);
        painter.drawEllipse(QPointF(x + 6, legendY + 5), 4, 4);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QPointF(x + 18, legendY + 10), label);
    }
}

} // namespace studio::ui
