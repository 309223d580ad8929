#include "AblationChart.h"

#include "ChartColors.h"
#include "PlotFrame.h"

#include <QPainter>

#include <algorithm>
#include <cmath>

namespace studio::ui {
AblationChart::AblationChart(QWidget* parent) : QWidget(parent)
{
    setObjectName("ablationChart");
    setMinimumSize(360, 240);
}

void AblationChart::setRows(const QString& title, const std::vector<AblationRow>& rows)
{
    m_title = title;
    m_rows = rows;
    update();
}

void AblationChart::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QPalette pal = palette();
    const QFontMetrics fm(font());
    const double legendY = beginPlot(painter, *this, m_title);

    // Zoom to the range the figures span (accuracy differences between variants are small).
    double low = 100, high = 0;
    for (const auto& r : m_rows)
        for (double v : {r.bestValAccuracy, r.testAccuracy})
            if (v >= 0) {
                low = std::min(low, v * 100);
                high = std::max(high, v * 100);
            }
    if (low > high)
        low = 0, high = 100;
    const double pad = std::max(0.5, (high - low) * 0.3);
    PlotFrame frame{
        QRectF(70 + fm.height(), fm.height() * 3 + 12, width() - 86 - fm.height(), height() - fm.height() * 6 - 16)};
    frame.yMin = std::max(0.0, std::floor(low - pad));
    frame.yMax = std::min(100.0, std::ceil(high + pad * 0.5));
    if (frame.yMax <= frame.yMin)
        frame.yMax = frame.yMin + 1;
    frame.xMin = 0;
    frame.xMax = std::max<double>(1, double(m_rows.size()));
    std::vector<double> yTicks;
    const double step = frame.yMax - frame.yMin > 10 ? 10 : frame.yMax - frame.yMin > 4 ? 1 : 0.5;
    for (double y = frame.yMin; y <= frame.yMax + 1e-9; y += step)
        yTicks.push_back(y);
    frame.draw(painter, pal, {}, yTicks, {}, tr("accuracy (%)"));

    for (std::size_t i = 0; i < m_rows.size(); ++i) {
        const auto& r = m_rows[i];
        const double x0 = frame.px(double(i) + 0.15), x1 = frame.px(double(i) + 0.85), mid = (x0 + x1) / 2;
        const auto bar = [&](double value, double left, double right, const QColor& color) {
            if (value < 0)
                return;
            const QRectF rect(QPointF(left + 1, frame.py(value * 100)), QPointF(right - 1, frame.py(frame.yMin)));
            painter.fillRect(rect, color);
            painter.setPen(pal.color(QPalette::Text));
            painter.drawText(QRectF(left - 20, rect.top() - fm.height() - 2, right - left + 40, fm.height()),
                             Qt::AlignCenter, QString::number(value * 100, 'f', 2));
        };
        bar(r.bestValAccuracy, x0, mid, colors::validation);
        bar(r.testAccuracy, mid, x1, colors::correct);
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(
            QRectF(frame.px(double(i)), frame.area.bottom() + 4, frame.px(1) - frame.px(0), fm.height() * 2 + 4),
            Qt::AlignHCenter | Qt::AlignTop | Qt::TextWordWrap,
            QString::fromStdString(r.variant) +
                (r.epochsToTarget > 0 ? tr("\n%1 epochs to target").arg(r.epochsToTarget) : QString()));
    }
    drawLegend(painter, pal, {frame.area.left(), legendY},
               {{tr("best validation"), colors::validation}, {tr("test"), colors::correct}});
}

} // namespace studio::ui
