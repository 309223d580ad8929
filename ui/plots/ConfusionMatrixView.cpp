#include "ConfusionMatrixView.h"

#include "ChartColors.h"

#include <QLinearGradient>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <QVariantAnimation>

#include <algorithm>
#include <cmath>

namespace studio::ui {
namespace {

/// `a` blended toward `b` by t in [0, 1].
QColor mix(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

} // namespace

QColor heatColor(double v, bool diagonal)
{
    v = std::clamp(v, 0.0, 1.0);
    // Diagonal (correct) in blues, off-diagonal (errors) in oranges; sqrt lifts small rates.
    const QColor high = diagonal ? QColor(0x1f, 0x4e, 0x8c) : colors::error;
    return mix(QColor(0xfb, 0xfb, 0xfd), high, std::sqrt(v));
}

ConfusionMatrixView::ConfusionMatrixView(QWidget* parent) : QWidget(parent), m_fade(new QVariantAnimation(this))
{
    setObjectName("confusionMatrix");
    setMouseTracking(true);
    setMinimumSize(360, 360);
    m_fade->setDuration(200);
    m_fade->setStartValue(0.0);
    m_fade->setEndValue(1.0);
    m_fade->setEasingCurve(QEasingCurve::OutCubic);
    connect(m_fade, &QVariantAnimation::valueChanged, this, [this] { update(); });
}

void ConfusionMatrixView::setMatrix(const ConfusionMatrix& matrix, const QStringList& classNames, bool fade)
{
    fade = fade && matrix.numClasses() == m_matrix.numClasses() && isVisible();
    if (fade) {
        auto from = fills(); // where the cells stand now, mid-fade included
        if (isFading()) {
            const double t = m_fade->currentValue().toDouble();
            for (std::size_t i = 0; i < from.size(); ++i)
                from[i] = mix(m_fadeFrom[i], from[i], t);
        }
        m_fadeFrom = std::move(from);
    }
    m_fade->stop();
    m_matrix = matrix;
    m_names = classNames;
    if (fade)
        m_fade->start();
    update();
}

bool ConfusionMatrixView::isFading() const
{
    return m_fade->state() == QAbstractAnimation::Running;
}

std::vector<QColor> ConfusionMatrixView::fills() const
{
    const int n = m_matrix.numClasses();
    double maxOff = 0;
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p)
            if (t != p)
                maxOff = std::max(maxOff, m_matrix.value(t, p, m_normalization));
    std::vector<QColor> out;
    out.reserve(std::size_t(n * n));
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p) {
            // Errors are scaled to the largest error so small confusions stay visible.
            const double shade = m_normalization == ConfusionMatrix::Normalization::None
                                     ? double(m_matrix.count(t, p)) / std::max<double>(1, double(m_matrix.rowTotal(t)))
                                     : m_matrix.value(t, p, m_normalization);
            out.push_back(
                heatColor(t == p ? shade : (maxOff > 0 ? shade / std::max(maxOff, 1e-12) * 0.85 : 0), t == p));
        }
    return out;
}

void ConfusionMatrixView::setNormalization(ConfusionMatrix::Normalization normalization)
{
    m_normalization = normalization;
    update();
}

QSize ConfusionMatrixView::sizeHint() const
{
    return {620, 580};
}

QString ConfusionMatrixView::label(int k) const
{
    return k < m_names.size() && !m_names[k].isEmpty() ? m_names[k] : QString::number(k);
}

ConfusionMatrixView::Layout ConfusionMatrixView::layout() const
{
    const int n = std::max(1, m_matrix.numClasses());
    const QFontMetrics fm(font());
    int labelWidth = 0;
    for (int k = 0; k < n; ++k)
        labelWidth = std::max(labelWidth, fm.horizontalAdvance(label(k)));
    const int left = fm.height() * 2 + labelWidth + 8;    // axis title + class labels
    const int top = fm.height() * 2 + 6;                  // axis title + class labels
    const int right = fm.horizontalAdvance("00000") + 60; // totals + legend
    const int bottom = fm.height() * 2 + 8;               // totals row
    const double cell = std::max(8.0, std::min(double(width() - left - right), double(height() - top - bottom)) / n);
    return {QRect(left, top, int(cell * n), int(cell * n)), cell};
}

QRect ConfusionMatrixView::cellRect(int t, int p) const
{
    const auto l = layout();
    return QRectF(l.grid.left() + p * l.cell, l.grid.top() + t * l.cell, l.cell, l.cell).toAlignedRect();
}

QPoint ConfusionMatrixView::cellAt(const QPoint& position) const
{
    const auto l = layout();
    if (!l.grid.contains(position))
        return {-1, -1};
    const int p = std::min(m_matrix.numClasses() - 1, int((position.x() - l.grid.left()) / l.cell));
    const int t = std::min(m_matrix.numClasses() - 1, int((position.y() - l.grid.top()) / l.cell));
    return {p, t};
}

void ConfusionMatrixView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    painter.fillRect(rect(), pal.color(QPalette::Base));
    const int n = m_matrix.numClasses();
    const auto l = layout();
    const QFontMetrics fm(font());
    QFont small = font();
    small.setPointSizeF(std::max(6.0, font().pointSizeF() * std::min(1.0, l.cell / 48.0)));

    // Cells, blended from the previous matrix's while fading.
    const auto cellFills = fills();
    const double fade = isFading() ? m_fade->currentValue().toDouble() : 1.0;
    for (int t = 0; t < n; ++t)
        for (int p = 0; p < n; ++p) {
            const QRect r = cellRect(t, p);
            const double v = m_matrix.value(t, p, m_normalization);
            const auto at = std::size_t(t * n + p);
            const QColor fill = fade < 1.0 ? mix(m_fadeFrom[at], cellFills[at], fade) : cellFills[at];
            painter.fillRect(r.adjusted(1, 1, -1, -1), fill);
            const bool dark = fill.lightnessF() < 0.55;
            painter.setPen(dark ? Qt::white : QColor(0x20, 0x20, 0x20));
            painter.setFont(small);
            const auto count = m_matrix.count(t, p);
            QString text = QString::number(count);
            if (m_normalization != ConfusionMatrix::Normalization::None && l.cell >= 34 && count > 0)
                text += QStringLiteral("\n%1%").arg(v * 100, 0, 'f', v >= 0.1 && v < 0.995 ? 0 : 1);
            painter.drawText(r, Qt::AlignCenter, text);
        }

    // Class labels, axis titles and totals.
    painter.setFont(font());
    painter.setPen(pal.color(QPalette::Text));
    for (int k = 0; k < n; ++k) {
        const QRect col = cellRect(0, k);
        painter.drawText(QRect(col.left(), l.grid.top() - fm.height() - 4, col.width(), fm.height()), Qt::AlignCenter,
                         fm.elidedText(label(k), Qt::ElideRight, col.width() - 2)); // garment names outgrow a column
        const QRect row = cellRect(k, 0);
        painter.drawText(QRect(fm.height() + 4, row.top(), l.grid.left() - fm.height() - 10, row.height()),
                         Qt::AlignRight | Qt::AlignVCenter, label(k));
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(QRect(l.grid.right() + 6, row.top(), fm.horizontalAdvance("00000"), row.height()),
                         Qt::AlignLeft | Qt::AlignVCenter, QString::number(m_matrix.rowTotal(k)));
        painter.drawText(QRect(col.left(), l.grid.bottom() + 4, col.width(), fm.height()), Qt::AlignCenter,
                         QString::number(m_matrix.columnTotal(k)));
        painter.setPen(pal.color(QPalette::Text));
    }
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.drawText(QRect(l.grid.left(), 0, l.grid.width(), fm.height() + 2), Qt::AlignCenter, tr("predicted class"));
    painter.save();
    painter.translate(fm.height(), l.grid.center().y());
    painter.rotate(-90);
    painter.drawText(QRect(-l.grid.height() / 2, -fm.height(), l.grid.height(), fm.height() + 2), Qt::AlignCenter,
                     tr("true class"));
    painter.restore();
    painter.setFont(font());
    painter.setPen(pal.color(QPalette::PlaceholderText));
    painter.drawText(QRect(l.grid.left(), l.grid.bottom() + fm.height() + 6, l.grid.width(), fm.height()),
                     Qt::AlignCenter, tr("column totals · row totals at the right · %L1 images").arg(m_matrix.total()));

    // Legend: the two colour ramps.
    const int legendX = l.grid.right() + fm.horizontalAdvance("00000") + 16;
    const int legendH = l.grid.height() / 2 - 10;
    for (int i = 0; i < 2; ++i) {
        const QRect bar(legendX, l.grid.top() + i * (legendH + 20), 12, legendH);
        QLinearGradient g(bar.bottomLeft(), bar.topLeft());
        for (int s = 0; s <= 10; ++s)
            g.setColorAt(s / 10.0, heatColor(s / 10.0, i == 0));
        painter.fillRect(bar, g);
        painter.setPen(pal.color(QPalette::Mid));
        painter.drawRect(bar);
        painter.setPen(pal.color(QPalette::Text));
        painter.save();
        painter.translate(bar.right() + 4 + fm.height(), bar.center().y());
        painter.rotate(-90);
        painter.drawText(QRect(-legendH / 2, -fm.height(), legendH, fm.height() + 2), Qt::AlignCenter,
                         i == 0 ? tr("correct") : tr("errors"));
        painter.restore();
    }
}

void ConfusionMatrixView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint cell = cellAt(event->position().toPoint());
    if (cell.x() < 0) {
        QToolTip::hideText();
        return;
    }
    const int t = cell.y(), p = cell.x();
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("true %1, predicted %2: %L3 images\n%4% of true %1 · %5% of predicted %2 · %6% of all")
                           .arg(label(t), label(p))
                           .arg(m_matrix.count(t, p))
                           .arg(m_matrix.value(t, p, ConfusionMatrix::Normalization::ByTrue) * 100, 0, 'f', 2)
                           .arg(m_matrix.value(t, p, ConfusionMatrix::Normalization::ByPredicted) * 100, 0, 'f', 2)
                           .arg(m_matrix.value(t, p, ConfusionMatrix::Normalization::All) * 100, 0, 'f', 2),
                       this, cellRect(t, p));
}

void ConfusionMatrixView::mouseReleaseEvent(QMouseEvent* event)
{
    const QPoint cell = cellAt(event->position().toPoint());
    if (event->button() == Qt::LeftButton && cell.x() >= 0)
        Q_EMIT cellClicked(cell.y(), cell.x());
}

} // namespace studio::ui
