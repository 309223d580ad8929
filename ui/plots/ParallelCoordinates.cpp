#include "ParallelCoordinates.h"

#include "ChartColors.h"
#include "PlotFrame.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace studio::ui {
namespace {

constexpr double kGrab = 14; ///< pixels either side of an axis that start a brush

QString numberText(double v)
{
    return QString::number(v, 'g', 3);
}

double segmentDistance(QPointF p, QPointF a, QPointF b)
{
    const QPointF d = b - a;
    const double length2 = QPointF::dotProduct(d, d);
    const double t = length2 > 0 ? std::clamp(QPointF::dotProduct(p - a, d) / length2, 0.0, 1.0) : 0.0;
    const QPointF q = a + t * d - p;
    return std::sqrt(QPointF::dotProduct(q, q));
}

} // namespace

ParallelCoordinates::ParallelCoordinates(QWidget* parent) : QWidget(parent)
{
    setObjectName("parallelCoordinates");
    setMinimumSize(360, 220);
    setMouseTracking(true);
}

void ParallelCoordinates::setData(const QString& title, const QStringList& fields, const QString& metricName,
                                  std::vector<ParallelRun> runs)
{
    auto axes = parallelAxes(fields, metricName, runs);
    if (axes.size() == m_axes.size() && std::equal(axes.begin(), axes.end(), m_axes.begin(),
                                                   [](const auto& a, const auto& b) { return a.name == b.name; }))
        for (std::size_t i = 0; i < axes.size(); ++i) // the same axes: their brushes stay
            axes[i].brush = m_axes[i].brush;
    const bool wasBrushed = isBrushed();
    m_title = title;
    m_axes = std::move(axes);
    m_runs = std::move(runs);
    m_hover.reset();
    update();
    if (wasBrushed || isBrushed()) // the runs passing may have changed
        Q_EMIT brushChanged();
}

std::optional<double> ParallelCoordinates::position(int axis, const ParallelRun& run) const
{
    const ParallelAxis& a = m_axes[std::size_t(axis)];
    if (axis == int(m_axes.size()) - 1)
        return run.metric < 0 ? std::nullopt : a.position(QJsonValue(run.metric * 100));
    return a.position(run.values.at(std::size_t(axis)));
}

bool ParallelCoordinates::passes(const ParallelRun& run) const
{
    for (int i = 0; i < int(m_axes.size()); ++i) {
        const ParallelAxis& a = m_axes[std::size_t(i)];
        if (!a.brush)
            continue;
        const auto t = position(i, run);
        if (!t)
            return false;
        // Compare positions: a brush on a categorical axis holds the categories whose centre it covers.
        const double value = a.valueAt(*t);
        if (value < a.brush->first - 1e-9 * std::abs(a.brush->first) ||
            value > a.brush->second + 1e-9 * std::abs(a.brush->second))
            return false;
    }
    return true;
}

void ParallelCoordinates::setBrush(int axis, double low, double high)
{
    if (axis < 0 || axis >= int(m_axes.size()))
        return;
    m_axes[std::size_t(axis)].brush = std::make_pair(std::min(low, high), std::max(low, high));
    update();
    Q_EMIT brushChanged();
}

void ParallelCoordinates::clearBrushes()
{
    for (auto& a : m_axes)
        a.brush.reset();
    update();
    Q_EMIT brushChanged();
}

bool ParallelCoordinates::isBrushed() const
{
    return std::any_of(m_axes.begin(), m_axes.end(), [](const ParallelAxis& a) { return a.brush.has_value(); });
}

std::vector<qint64> ParallelCoordinates::passingRuns() const
{
    std::vector<qint64> ids;
    for (const auto& r : m_runs)
        if (passes(r))
            ids.push_back(r.id);
    return ids;
}

QColor ParallelCoordinates::metricColor(double metric) const
{
    if (metric < 0 || m_axes.empty())
        return colors::count;
    const auto t = m_axes.back().position(QJsonValue(metric * 100));
    return colors::viridis(t.value_or(0.5));
}

QRectF ParallelCoordinates::plotArea() const
{
    const QFontMetrics fm(font());
    const double top = fm.height() * 3.5 + 8, bottom = fm.height() + 10;
    return QRectF(56, top, std::max(10.0, width() - 56.0 - 64.0), std::max(10.0, height() - top - bottom));
}

double ParallelCoordinates::axisX(int axis) const
{
    const QRectF area = plotArea();
    const int n = int(m_axes.size());
    return n <= 1 ? area.center().x() : area.left() + area.width() * axis / double(n - 1);
}

double ParallelCoordinates::yOf(double t) const
{
    const QRectF area = plotArea();
    return area.bottom() - t * area.height();
}

QPointF ParallelCoordinates::pointOf(qint64 id, int axis) const
{
    for (const auto& r : m_runs)
        if (r.id == id && axis >= 0 && axis < int(m_axes.size()))
            if (const auto t = position(axis, r))
                return {axisX(axis), yOf(*t)};
    return {};
}

std::optional<qint64> ParallelCoordinates::runAt(QPointF pos) const
{
    std::optional<qint64> best;
    double nearest = 5;
    for (const auto& r : m_runs)
        for (int i = 0; i + 1 < int(m_axes.size()); ++i) {
            const auto a = position(i, r), b = position(i + 1, r);
            if (!a || !b)
                continue;
            const double d = segmentDistance(pos, {axisX(i), yOf(*a)}, {axisX(i + 1), yOf(*b)});
            if (d < nearest)
                nearest = d, best = r.id;
        }
    return best;
}

void ParallelCoordinates::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QPalette pal = palette();
    beginPlot(painter, *this, m_title);
    if (m_axes.size() < 2 || m_runs.empty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter, tr("Select a sweep to see its runs across the fields it varies."));
        return;
    }
    // Grey lines first (brushed out, no metric yet), then the rest by metric so the best lie on top.
    std::vector<const ParallelRun*> order;
    for (const auto& r : m_runs)
        order.push_back(&r);
    const auto rank = [this](const ParallelRun* r) {
        return passes(*r) ? (r->metric < 0 ? 1.0 : 2.0 + r->metric) : 0.0;
    };
    std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) { return rank(a) < rank(b); });
    for (const auto* r : order) {
        QPainterPath path;
        bool open = false;
        for (int i = 0; i < int(m_axes.size()); ++i) {
            const auto t = position(i, *r);
            if (!t) {
                open = false;
                continue;
            }
            const QPointF p(axisX(i), yOf(*t));
            open ? path.lineTo(p) : path.moveTo(p);
            open = true;
        }
        const bool in = passes(*r), hovered = m_hover == r->id;
        QColor color = in ? metricColor(r->metric) : pal.color(QPalette::Mid);
        color.setAlpha(in ? 230 : 70);
        QPen pen(hovered ? pal.color(QPalette::Highlight) : color, hovered ? 3.2 : in ? 1.8 : 1.0);
        if (r->metric < 0)
            pen.setStyle(Qt::DashLine);
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(path);
    }
    for (int i = 0; i < int(m_axes.size()); ++i)
        drawAxis(painter, i);
}

void ParallelCoordinates::drawAxis(QPainter& painter, int index) const
{
    const ParallelAxis& a = m_axes[std::size_t(index)];
    const QPalette pal = palette();
    const QFontMetrics fm(font());
    const QRectF area = plotArea();
    const double x = axisX(index);
    const bool metric = index == int(m_axes.size()) - 1;
    if (metric) { // the metric axis carries the colour scale
        QLinearGradient g(QPointF(x, area.bottom()), QPointF(x, area.top()));
        for (int s = 0; s <= 4; ++s)
            g.setColorAt(s / 4.0, colors::viridis(s / 4.0));
        painter.fillRect(QRectF(x - 3, area.top(), 6, area.height()), g);
    } else {
        painter.setPen(QPen(pal.color(QPalette::Text), 1.2));
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()));
    }
    if (a.brush) {
        const double lo = a.positionOf(a.brush->first), hi = a.positionOf(a.brush->second);
        QColor fill = pal.color(QPalette::Highlight);
        fill.setAlpha(60);
        painter.setPen(QPen(pal.color(QPalette::Highlight), 1));
        painter.setBrush(fill);
        painter.drawRect(QRectF(x - 9, yOf(std::clamp(hi, 0.0, 1.0)), 18,
                                yOf(std::clamp(lo, 0.0, 1.0)) - yOf(std::clamp(hi, 0.0, 1.0))));
    }
    // Name above (alternating rows when axes are close), ticks beside.
    const double spacing = m_axes.size() > 1 ? area.width() / double(m_axes.size() - 1) : area.width();
    const bool stagger = fm.horizontalAdvance(a.name) > spacing - 8;
    QFont bold = font();
    bold.setBold(true);
    painter.setFont(bold);
    painter.setPen(pal.color(QPalette::Text));
    const double nameY = area.top() - fm.height() * ((stagger && index % 2) ? 2.2 : 1.2) - 4;
    // Centred over the axis; the first and last names kept inside the widget.
    const QString name = metric ? a.name + " (%)" : a.name;
    const double half = QFontMetrics(bold).horizontalAdvance(name) / 2.0 + 2;
    const double centre = std::clamp(x, half + 2, width() - half - 2);
    painter.drawText(QRectF(centre - half, nameY, 2 * half, fm.height() + 2), Qt::AlignHCenter, name);
    painter.setFont(font());
    const auto tick = [&](double t, const QString& text) {
        painter.setPen(pal.color(QPalette::Text));
        painter.drawLine(QPointF(x - 3, yOf(t)), QPointF(x + 3, yOf(t)));
        const QRectF box(x + 5, yOf(t) - fm.height() / 2.0, 80, fm.height());
        painter.setPen(pal.color(QPalette::Base));
        for (const QPointF d : {QPointF(-1, 0), QPointF(1, 0), QPointF(0, -1), QPointF(0, 1)}) // a halo over lines
            painter.drawText(box.translated(d), Qt::AlignLeft | Qt::AlignVCenter, text);
        painter.setPen(pal.color(QPalette::Text));
        painter.drawText(box, Qt::AlignLeft | Qt::AlignVCenter, text);
    };
    if (!a.numeric) {
        for (int c = 0; c < a.categories.size(); ++c)
            tick((c + 0.5) / double(a.categories.size()), a.categories[c]);
        return;
    }
    if (!a.ticks.empty()) {
        for (double v : a.ticks)
            if (const auto t = a.position(QJsonValue(v)))
                tick(*t, numberText(v));
        return;
    }
    const int ticks = area.height() > 160 ? 5 : 3;
    for (int k = 0; k < ticks; ++k) {
        const double t = k / double(ticks - 1);
        tick(t, numberText(a.valueAt(t)));
    }
}

void ParallelCoordinates::mousePressEvent(QMouseEvent* event)
{
    const QPointF p = event->position();
    m_dragAxis = -1;
    for (int i = 0; i < int(m_axes.size()); ++i)
        if (std::abs(p.x() - axisX(i)) <= kGrab &&
            plotArea().adjusted(0, -6, 0, 6).contains(QPointF(axisX(i), p.y()))) {
            m_dragAxis = i;
            m_dragStart = std::clamp((plotArea().bottom() - p.y()) / plotArea().height(), 0.0, 1.0);
        }
    QWidget::mousePressEvent(event);
}

void ParallelCoordinates::mouseMoveEvent(QMouseEvent* event)
{
    const QPointF p = event->position();
    if (m_dragAxis >= 0) {
        const double t = std::clamp((plotArea().bottom() - p.y()) / plotArea().height(), 0.0, 1.0);
        if (std::abs(t - m_dragStart) * plotArea().height() >= 3) {
            const ParallelAxis& a = m_axes[std::size_t(m_dragAxis)];
            setBrush(m_dragAxis, a.valueAt(std::min(t, m_dragStart)), a.valueAt(std::max(t, m_dragStart)));
        }
        return;
    }
    const auto over = runAt(p);
    if (over != m_hover) {
        m_hover = over;
        update();
    }
    if (over) {
        for (const auto& r : m_runs)
            if (r.id == *over)
                QToolTip::showText(event->globalPosition().toPoint(),
                                   r.label + (r.metric >= 0 ? QString(" · %1 %").arg(r.metric * 100, 0, 'f', 2)
                                                            : tr(" · not scored yet")),
                                   this);
    } else {
        QToolTip::hideText();
    }
}

void ParallelCoordinates::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_dragAxis >= 0) {
        const double t = std::clamp((plotArea().bottom() - event->position().y()) / plotArea().height(), 0.0, 1.0);
        if (std::abs(t - m_dragStart) * plotArea().height() < 3) { // a click: that axis unbrushed
            m_axes[std::size_t(m_dragAxis)].brush.reset();
            update();
            Q_EMIT brushChanged();
        }
    }
    m_dragAxis = -1;
    QWidget::mouseReleaseEvent(event);
}

void ParallelCoordinates::leaveEvent(QEvent* event)
{
    m_hover.reset();
    update();
    QWidget::leaveEvent(event);
}

} // namespace studio::ui
