#include "ClassAccuracyStrip.h"

#include "ChartColors.h"

#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace studio::ui {
namespace {

constexpr int kRowHeight = 14;
constexpr int kScaleHeight = 26; ///< the colour scale and the epoch labels beneath the cells

} // namespace

ClassAccuracyStrip::ClassAccuracyStrip(QWidget* parent) : QWidget(parent)
{
    for (int k = 0; k < 10; ++k) // until a run names its classes: the digits
        m_names << QString::number(k);
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void ClassAccuracyStrip::setClassNames(const QStringList& names)
{
    if (names.isEmpty())
        return;
    m_names = names;
    updateGeometry();
    update();
}

void ClassAccuracyStrip::clear()
{
    m_epochs.clear();
    m_values.clear();
    update();
}

void ClassAccuracyStrip::addEpoch(int epoch, const std::vector<double>& accuracy)
{
    if (accuracy.empty())
        return;
    const auto at = std::lower_bound(m_epochs.begin(), m_epochs.end(), epoch);
    const auto i = std::size_t(at - m_epochs.begin());
    if (at != m_epochs.end() && *at == epoch) {
        m_values[i] = accuracy;
    } else {
        m_epochs.insert(at, epoch);
        m_values.insert(m_values.begin() + std::ptrdiff_t(i), accuracy);
    }
    updateGeometry();
    update();
}

double ClassAccuracyStrip::value(int index, int cls) const
{
    if (index < 0 || index >= epochCount() || cls < 0 || cls >= int(m_values[std::size_t(index)].size()))
        return std::nan("");
    return m_values[std::size_t(index)][std::size_t(cls)];
}

double ClassAccuracyStrip::scaleLow() const
{
    double low = 1.0;
    for (const auto& epoch : m_values)
        for (double v : epoch)
            if (!std::isnan(v))
                low = std::min(low, v);
    return std::min(std::floor(low * 100) / 100, 0.99); // whole percents, at least one point of range
}

int ClassAccuracyStrip::rows() const
{
    int n = int(m_names.size());
    for (const auto& epoch : m_values)
        n = std::max(n, int(epoch.size()));
    return std::max(n, 1);
}

QRect ClassAccuracyStrip::plotRect() const
{
    const int labelWidth = fontMetrics().horizontalAdvance(QStringLiteral("Sandal_")) + 4;
    return QRect(labelWidth, 2, std::max(1, width() - labelWidth - 4), rows() * kRowHeight);
}

QRect ClassAccuracyStrip::cellRect(int index, int cls) const
{
    const QRect plot = plotRect();
    const int n = std::max(1, epochCount());
    const int x0 = plot.left() + plot.width() * index / n, x1 = plot.left() + plot.width() * (index + 1) / n;
    return QRect(x0, plot.top() + cls * kRowHeight, std::max(1, x1 - x0), kRowHeight);
}

QSize ClassAccuracyStrip::minimumSizeHint() const
{
    return {110, rows() * kRowHeight + kScaleHeight + 4};
}

QSize ClassAccuracyStrip::sizeHint() const
{
    return {170, minimumSizeHint().height()};
}

QString ClassAccuracyStrip::readoutAt(const QPoint& position) const
{
    for (int i = 0; i < epochCount(); ++i)
        for (int k = 0; k < int(m_values[std::size_t(i)].size()); ++k)
            if (cellRect(i, k).contains(position)) {
                const QString name = className(k);
                const double v = value(i, k);
                return tr("%1, epoch %2: %3")
                    .arg(name)
                    .arg(m_epochs[std::size_t(i)])
                    .arg(std::isnan(v) ? tr("no images") : QStringLiteral("%1 %").arg(v * 100, 0, 'f', 2));
            }
    return {};
}

void ClassAccuracyStrip::mouseMoveEvent(QMouseEvent* event)
{
    const QString text = readoutAt(event->position().toPoint());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void ClassAccuracyStrip::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const auto& pal = palette();
    const QRect plot = plotRect();
    painter.setPen(pal.color(QPalette::Text));
    for (int k = 0; k < rows(); ++k) {
        const QString name = className(k);
        painter.drawText(QRect(0, plot.top() + k * kRowHeight, plot.left() - 4, kRowHeight),
                         Qt::AlignRight | Qt::AlignVCenter,
                         fontMetrics().elidedText(name, Qt::ElideRight, plot.left() - 4));
    }
    if (m_epochs.empty()) {
        painter.fillRect(plot, pal.color(QPalette::AlternateBase));
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, tr("per-class accuracy after each epoch"));
        return;
    }
    const double low = scaleLow();
    for (int i = 0; i < epochCount(); ++i)
        for (int k = 0; k < rows(); ++k) {
            const double v = value(i, k);
            painter.fillRect(cellRect(i, k), std::isnan(v) ? pal.color(QPalette::AlternateBase)
                                                           : colors::viridis((v - low) / (1.0 - low)));
        }
    // the epochs at both ends, and the scale: lowest … 100 %
    const int y = plot.bottom() + 2;
    painter.setPen(pal.color(QPalette::PlaceholderText));
    const QString first = tr("epoch %1").arg(m_epochs.front()), last = QString::number(m_epochs.back());
    painter.drawText(QRect(plot.left(), y, plot.width() / 2, 12), Qt::AlignLeft | Qt::AlignTop, first);
    if (epochCount() > 1)
        painter.drawText(QRect(plot.center().x(), y, plot.width() / 2, 12), Qt::AlignRight | Qt::AlignTop, last);
    const QRect bar(plot.left(), y + 14, plot.width() / 2, 8);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (int s = 0; s <= 4; ++s)
        gradient.setColorAt(s / 4.0, colors::viridis(s / 4.0));
    painter.fillRect(bar, gradient);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRect(bar.right() + 4, bar.top() - 3, plot.width() - bar.width() - 4, 14),
                     Qt::AlignLeft | Qt::AlignVCenter, QStringLiteral("%1 – 100 %").arg(low * 100, 0, 'f', 0));
}

} // namespace studio::ui
