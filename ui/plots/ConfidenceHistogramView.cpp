#include "ConfidenceHistogramView.h"

#include "ChartColors.h"
#include "PlotFrame.h"

#include <QPainter>

#include <algorithm>

namespace studio::ui {
ConfidenceHistogramView::ConfidenceHistogramView(QWidget* parent) : QWidget(parent)
{
    setObjectName("confidenceHistogram");
    setMinimumSize(360, 220);
}

void ConfidenceHistogramView::setHistogram(const ConfidenceHistogram& histogram)
{
    m_histogram = histogram;
    update();
}

void ConfidenceHistogramView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QPalette pal = palette();
    const QFontMetrics fm(font());
    const double legendY = beginPlot(painter, *this, tr("Confidence of correct and incorrect predictions"));
    const double left = 70 + fm.height(), top = fm.height() * 3 + 12;
    PlotFrame frame{QRectF(left, top, width() - left - 16, height() - top - fm.height() * 2 - 12)};
    frame.logCounts = true;
    std::int64_t maxCount = 1;
    const auto bins = m_histogram.correct.size();
    for (std::size_t b = 0; b < bins; ++b)
        maxCount = std::max({maxCount, m_histogram.correct[b], m_histogram.incorrect[b]});
    frame.yMax = double(maxCount);

    frame.draw(painter, pal, {0, 0.2, 0.4, 0.6, 0.8, 1.0}, countTicks(double(maxCount)), tr("confidence"),
               tr("images (log)"),
               [](double v) { return v >= 1000 ? QStringLiteral("%1k").arg(v / 1000) : QString::number(v); });
    for (std::size_t b = 0; b < bins; ++b) {
        const double x0 = frame.px(double(b) / double(bins)), x1 = frame.px(double(b + 1) / double(bins));
        const double mid = (x0 + x1) / 2;
        painter.fillRect(QRectF(QPointF(x0 + 1, frame.py(double(m_histogram.correct[b]))), QPointF(mid, frame.py(0))),
                         colors::correct);
        painter.fillRect(QRectF(QPointF(mid, frame.py(double(m_histogram.incorrect[b]))), QPointF(x1 - 1, frame.py(0))),
                         colors::error);
    }
    drawLegend(painter, pal, {frame.area.left(), legendY},
               {{tr("correct"), colors::correct}, {tr("incorrect"), colors::error}});
}

} // namespace studio::ui
