#include "ProbabilityBars.h"

#include "ChartColors.h"

#include <QPainter>

#include <algorithm>

namespace studio::ui {

ProbabilityBars::ProbabilityBars(QWidget* parent) : QWidget(parent)
{
    setObjectName("probabilityBars");
    setMinimumSize(220, 200);
}

void ProbabilityBars::setProbabilities(const std::vector<float>& probabilities)
{
    m_probabilities = probabilities;
    update();
}

void ProbabilityBars::setClassNames(const QStringList& names)
{
    m_classNames = names;
    update();
}

void ProbabilityBars::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QFontMetrics fm(font());
    const int classes = m_probabilities.empty() ? 10 : int(m_probabilities.size());
    const int best =
        m_probabilities.empty()
            ? -1
            : int(std::max_element(m_probabilities.begin(), m_probabilities.end()) - m_probabilities.begin());
    const double rowHeight = double(height()) / classes;
    QFont bold = font();
    bold.setBold(true); // the predicted class is drawn bold: room for any name in bold
    const QFontMetrics boldMetrics(bold);
    int labelWidth = boldMetrics.horizontalAdvance("00") + 8;
    for (const auto& name : m_classNames)
        labelWidth = std::max(labelWidth, boldMetrics.horizontalAdvance(name) + 8);
    const int valueWidth = fm.horizontalAdvance("100.0 %") + 8;
    const double barSpace = width() - labelWidth - valueWidth;
    for (int k = 0; k < classes; ++k) {
        const double y = k * rowHeight;
        const float p = m_probabilities.empty() ? 0.0f : m_probabilities[std::size_t(k)];
        const QRectF track(labelWidth, y + rowHeight * 0.18, barSpace, rowHeight * 0.64);
        QColor trackColor = pal.color(QPalette::Mid);
        trackColor.setAlpha(50);
        painter.fillRect(track, trackColor);
        painter.fillRect(QRectF(track.topLeft(), QSizeF(barSpace * p, track.height())),
                         k == best ? colors::validation : colors::correct);
        QFont f = font();
        f.setBold(k == best);
        painter.setFont(f);
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(QRectF(0, y, labelWidth - 6, rowHeight), Qt::AlignRight | Qt::AlignVCenter,
                         m_classNames.value(k, QString::number(k)));
        painter.drawText(QRectF(width() - valueWidth, y, valueWidth, rowHeight), Qt::AlignRight | Qt::AlignVCenter,
                         m_probabilities.empty() ? QStringLiteral("–") : QString::number(p * 100, 'f', 1) + " %");
    }
}

} // namespace studio::ui
