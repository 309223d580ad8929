#include "RobustnessView.h"

#include "ChartColors.h"
#include "DigitImage.h"
#include "PlotFrame.h"

#include "data/ImageTensor.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace studio::ui {
namespace {

constexpr int kColumns = 2;

/// "+1.8 px", "−12°", "0.80×", "σ 0.20": an amount as the axis counts it.
QString amountText(const PerturbationRange& range, double amount)
{
    if (range.kind == Perturbation::Scale)
        return QString::number(amount, 'f', 2) + "×";
    if (range.kind == Perturbation::Noise)
        return "σ " + QString::number(amount, 'f', 2);
    QString text = QString::number(amount - range.neutral, 'f', 1);
    if (!text.startsWith('-') && text != "0.0")
        text.prepend('+');
    text.replace('-', QChar(0x2212));
    const QString unit = QString::fromStdString(range.unit);
    return text + (unit == "°" ? unit : " " + unit);
}

} // namespace

RobustnessView::RobustnessView(QWidget* parent) : QWidget(parent)
{
    setObjectName("robustnessView");
    setMouseTracking(true);
    m_message = tr("Draw a digit to see how far it bends before the model changes its mind.");
}

void RobustnessView::setSweep(const RobustnessSweep& sweep, const QImage& input28, const QStringList& classNames)
{
    m_sweep = sweep;
    m_input = input28.convertToFormat(QImage::Format_Grayscale8);
    m_classNames = classNames;
    m_message.clear();
    hover(m_hoverAxis, m_hoverAmount); // keeps the readout on the new drawing
}

void RobustnessView::clear(const QString& message)
{
    m_sweep = {};
    m_message = message;
    hover(-1, 0);
}

QString RobustnessView::className(int k) const
{
    return m_classNames.value(k, QString::number(k));
}

QRectF RobustnessView::plotArea(int i) const
{
    const QFontMetrics fm(font());
    const int rows = int((m_sweep.axes.size() + kColumns - 1) / kColumns);
    const double cellW = width() / double(kColumns), cellH = height() / double(std::max(rows, 1));
    const double x = (i % kColumns) * cellW, y = (i / kColumns) * cellH;
    const double left = fm.horizontalAdvance("0.5") + 10, top = fm.height() + 6, bottom = fm.height() + 6;
    return {x + left, y + top, cellW - left - 10, cellH - top - bottom};
}

std::pair<int, double> RobustnessView::amountAt(QPointF pos) const
{
    for (int i = 0; i < int(m_sweep.axes.size()); ++i) {
        const QRectF area = plotArea(i);
        if (area.contains(pos)) {
            const auto& r = m_sweep.axes[std::size_t(i)].range;
            return {i, r.low + (pos.x() - area.left()) / area.width() * (r.high - r.low)};
        }
    }
    return {-1, 0};
}

void RobustnessView::hover(int axis, double amount)
{
    m_hoverAxis = axis >= 0 && axis < int(m_sweep.axes.size()) && !m_input.isNull() ? axis : -1;
    m_hoverAmount = amount;
    m_hoverImage = {};
    m_hoverText.clear();
    if (m_hoverAxis >= 0) {
        const auto& a = m_sweep.axes[std::size_t(m_hoverAxis)];
        m_hoverAmount = std::clamp(amount, a.range.low, a.range.high);
        const cv::Mat bent = perturb(matFromBytes(m_input.constBits(), 28, 28, std::size_t(m_input.bytesPerLine())),
                                     a.range.kind, m_hoverAmount);
        m_hoverImage = grayImage(bent.data, 28, 28, int(bent.step));
        // The model's answer at the nearest step swept.
        const auto nearest =
            std::size_t(std::min_element(a.amounts.begin(), a.amounts.end(),
                                         [&](double x, double y) {
                                             return std::abs(x - m_hoverAmount) < std::abs(y - m_hoverAmount);
                                         }) -
                        a.amounts.begin());
        const int k = a.predicted[nearest];
        const float p = a.probabilities[nearest * std::size_t(m_sweep.numClasses) + std::size_t(k)];
        m_hoverText =
            tr("%1 %2: %3 (%4 %)")
                .arg(QString::fromStdString(a.range.name), amountText(a.range, a.amounts[nearest]), className(k))
                .arg(double(p) * 100, 0, 'f', 0);
    }
    update();
}

void RobustnessView::mouseMoveEvent(QMouseEvent* event)
{
    const auto [axis, amount] = amountAt(event->position());
    hover(axis, amount);
}

void RobustnessView::leaveEvent(QEvent*)
{
    hover(-1, 0);
}

void RobustnessView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    if (m_sweep.axes.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(16, 16, -16, -16), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    for (int i = 0; i < int(m_sweep.axes.size()); ++i)
        paintAxis(painter, i);
}

void RobustnessView::paintAxis(QPainter& painter, int i) const
{
    const auto& a = m_sweep.axes[std::size_t(i)];
    const auto c = std::size_t(m_sweep.numClasses);
    const QPalette pal = palette();
    const QFontMetrics fm(font());
    PlotFrame f{plotArea(i), a.range.low, a.range.high, 0, 1};
    painter.setFont(font());
    // Where the answer differs from the unbent drawing's: shaded behind everything.
    QColor changed = colors::error;
    changed.setAlpha(40);
    for (std::size_t s = 0; s < a.amounts.size(); ++s)
        if (a.predicted[s] != m_sweep.original) {
            const double half = (a.range.high - a.range.low) / double(a.amounts.size() - 1) / 2;
            painter.fillRect(QRectF(QPointF(f.px(std::max(a.range.low, a.amounts[s] - half)), f.area.top()),
                                    QPointF(f.px(std::min(a.range.high, a.amounts[s] + half)), f.area.bottom())),
                             changed);
        }
    const std::vector<double> xTicks{a.range.low, a.range.neutral, a.range.high};
    f.draw(painter, pal, a.range.kind == Perturbation::Noise ? std::vector<double>{0, 0.25, 0.5} : xTicks, {0, 0.5, 1},
           {}, {});
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(QRectF(f.area.left(), f.area.top() - fm.height() - 4, f.area.width(), fm.height()), Qt::AlignLeft,
                     QString::fromStdString(a.range.name) + " (" + QString::fromStdString(a.range.unit) + ")");
    painter.setFont(font());
    // Every class that leads somewhere, the original bold on top; the rest faint.
    std::vector<bool> leads(c, false);
    for (int k : a.predicted)
        leads[std::size_t(k)] = true;
    std::vector<std::size_t> order;
    for (std::size_t k = 0; k < c; ++k)
        if (int(k) != m_sweep.original)
            order.push_back(k);
    order.push_back(std::size_t(m_sweep.original));
    painter.save();
    painter.setClipRect(f.area.adjusted(-1, -2, 1, 2));
    for (std::size_t k : order) {
        QPainterPath path;
        for (std::size_t s = 0; s < a.amounts.size(); ++s) {
            const QPointF p(f.px(a.amounts[s]), f.py(a.probabilities[s * c + k]));
            s == 0 ? path.moveTo(p) : path.lineTo(p);
        }
        const bool original = int(k) == m_sweep.original;
        QColor colour = original ? pal.color(QPalette::Text) : colors::category(int(k));
        if (!original && !leads[k])
            colour.setAlpha(70);
        painter.setPen(QPen(colour, original ? 2.6 : leads[k] ? 1.6 : 1.0));
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
    }
    painter.restore();
    // The nearest flip on each side: a dashed line, the amount and the class it flips to.
    for (double flip : {a.flipBelow, a.flipAbove}) {
        if (std::isnan(flip))
            continue;
        const auto s = std::size_t(std::find(a.amounts.begin(), a.amounts.end(), flip) - a.amounts.begin());
        const double x = f.px(flip);
        painter.setPen(QPen(colors::error, 1.4, Qt::DashLine));
        painter.drawLine(QPointF(x, f.area.top()), QPointF(x, f.area.bottom()));
        const QString label = amountText(a.range, flip) + " → " + className(a.predicted[s]);
        const double w = fm.horizontalAdvance(label) + 6;
        // below the neutral amount the label goes left of the line, above it right, unless it would
        // leave the plot
        const bool right = flip < a.range.neutral ? x - w - 3 < f.area.left() : x + w + 3 < f.area.right();
        const QRectF box(right ? x + 3 : x - w - 3, f.area.top() + 2, w, fm.height());
        painter.fillRect(box, pal.color(QPalette::Base));
        painter.setPen(colors::error);
        painter.drawText(box, Qt::AlignCenter, label);
    }
    if (i != m_hoverAxis || m_hoverImage.isNull())
        return;
    // The bent image under the pointer, and the model's answer there.
    const double x = f.px(m_hoverAmount);
    painter.setPen(QPen(pal.color(QPalette::Text), 1, Qt::DotLine));
    painter.drawLine(QPointF(x, f.area.top()), QPointF(x, f.area.bottom()));
    const int side = int(std::min(56.0, f.area.height() * 0.6));
    const QRectF thumb(x + side + 8 < f.area.right() ? x + 6 : x - side - 6, f.area.bottom() - side - fm.height() - 6,
                       side, side);
    painter.drawImage(thumb, m_hoverImage);
    painter.setPen(pal.color(QPalette::Mid));
    painter.drawRect(thumb);
    const QRectF caption(f.area.left(), f.area.bottom() - fm.height() - 2, f.area.width(), fm.height());
    painter.fillRect(caption, pal.color(QPalette::Base));
    painter.setPen(pal.color(QPalette::Text));
    painter.drawText(caption, Qt::AlignCenter, m_hoverText);
}

} // namespace studio::ui
