#include "EmbeddingView.h"

#include "ChartColors.h"
#include "PlotFrame.h"

#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace studio::ui {
namespace {

constexpr double pickRadius = 8;   ///< pixels: how near the pointer a point is picked
constexpr int imageLimit = 250;    ///< at most this many points in view are drawn as their images
constexpr double imageSize = 28.0; ///< pixels, one image pixel a screen pixel

} // namespace

EmbeddingView::EmbeddingView(QWidget* parent) : QWidget(parent)
{
    setObjectName("embeddingView");
    setMouseTracking(true);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_message = tr("No map yet.");
}

void EmbeddingView::setPoints(std::vector<MapPoint> points, const QStringList& classNames,
                              std::function<QImage(int)> thumbnail)
{
    m_points = std::move(points);
    m_classNames = classNames;
    m_thumbnail = std::move(thumbnail);
    m_images.clear();
    m_message.clear();
    m_hovered = -1;
    m_hoverText.clear();
    m_selection.clear();
    m_selected.assign(m_points.size(), 0);
    fitAll();
    Q_EMIT selectionChanged(m_selection);
}

void EmbeddingView::clear(const QString& message)
{
    m_points.clear();
    m_selected.clear();
    m_images.clear();
    m_message = message;
    m_hovered = -1;
    m_marker.reset();
    if (!m_selection.empty()) {
        m_selection.clear();
        Q_EMIT selectionChanged(m_selection);
    }
    changed();
}

void EmbeddingView::setColouring(Colouring colouring)
{
    m_colouring = colouring;
    changed();
}

void EmbeddingView::setMarker(std::optional<QPointF> at, const QString& label)
{
    m_marker = at;
    m_markerLabel = label;
    update();
}

void EmbeddingView::changed()
{
    m_picture = QPixmap();
    update();
}

QPointF EmbeddingView::toWidget(QPointF p) const
{
    return QPointF(width() / 2.0, height() / 2.0) + (p - m_centre) * m_scale;
}

QPointF EmbeddingView::toMap(QPointF w) const
{
    return m_centre + (w - QPointF(width() / 2.0, height() / 2.0)) / m_scale;
}

void EmbeddingView::fitAll()
{
    if (m_points.empty()) {
        changed();
        return;
    }
    double left = m_points[0].at.x(), right = left, top = m_points[0].at.y(), bottom = top;
    for (const auto& p : m_points) {
        left = std::min(left, p.at.x()), right = std::max(right, p.at.x());
        top = std::min(top, p.at.y()), bottom = std::max(bottom, p.at.y());
    }
    m_centre = {(left + right) / 2, (top + bottom) / 2};
    const double w = std::max(right - left, 1e-9), h = std::max(bottom - top, 1e-9);
    m_scale = std::max(1e-9, std::min((width() - 40) / w, (height() - 60) / h));
    m_fitted = true;
    changed();
}

void EmbeddingView::zoom(double factor, QPointF about)
{
    const QPointF fixed = toMap(about);
    m_scale *= factor;
    m_fitted = false;
    m_centre = fixed - (about - QPointF(width() / 2.0, height() / 2.0)) / m_scale;
    changed();
}

int EmbeddingView::pointAt(QPointF pos) const
{
    const double reach = showsImages() ? imageSize / 2 : pickRadius;
    int best = -1;
    double bestDistance = reach * reach;
    for (std::size_t i = 0; i < m_points.size(); ++i) {
        const QPointF d = toWidget(m_points[i].at) - pos;
        const double d2 = d.x() * d.x() + d.y() * d.y();
        if (d2 <= bestDistance)
            best = int(i), bestDistance = d2;
    }
    return best;
}

bool EmbeddingView::showsImages() const
{
    int inView = 0;
    const QRectF area = rect();
    for (const auto& p : m_points)
        if (area.contains(toWidget(p.at)) && ++inView > imageLimit)
            return false;
    return inView > 0;
}

void EmbeddingView::setSelection(std::vector<int> indices)
{
    std::sort(indices.begin(), indices.end());
    indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
    std::erase_if(indices, [this](int i) { return i < 0 || i >= int(m_points.size()); });
    m_selection = std::move(indices);
    m_selected.assign(m_points.size(), 0);
    for (int i : m_selection)
        m_selected[std::size_t(i)] = 1;
    changed();
    Q_EMIT selectionChanged(m_selection);
}

void EmbeddingView::selectInside(const QPolygonF& polygon, bool add)
{
    std::vector<int> chosen = add ? m_selection : std::vector<int>{};
    const QRectF bounds = polygon.boundingRect();
    for (std::size_t i = 0; i < m_points.size(); ++i)
        if (bounds.contains(m_points[i].at) && polygon.containsPoint(m_points[i].at, Qt::OddEvenFill))
            chosen.push_back(int(i));
    setSelection(std::move(chosen));
}

void EmbeddingView::selectAt(QPointF pos, bool add)
{
    const int i = pointAt(pos);
    std::vector<int> chosen = add ? m_selection : std::vector<int>{};
    if (i >= 0)
        chosen.push_back(i);
    setSelection(std::move(chosen));
}

QImage EmbeddingView::imageOf(int i) const
{
    auto found = m_images.find(i);
    if (found == m_images.end())
        found = m_images.insert(i, m_thumbnail ? m_thumbnail(i) : QImage());
    return *found;
}

QColor EmbeddingView::colourOf(const MapPoint& p) const
{
    switch (m_colouring) {
    case Colouring::TrueClass:
        return colors::category(p.label);
    case Colouring::Predicted:
        return colors::category(p.predicted);
    case Colouring::Correctness:
        return p.correct() ? colors::correct : colors::error;
    case Colouring::Confidence:
        return colors::viridis(p.confidence);
    }
    return colors::count;
}

void EmbeddingView::paintPoints(QPainter& painter) const
{
    const bool images = showsImages();
    const bool selecting = !m_selection.empty();
    const QRectF area = QRectF(rect()).adjusted(-imageSize, -imageSize, imageSize, imageSize);
    const QColor outline = palette().color(QPalette::Text);
    // Correct images first, errors over them; the selection over both.
    for (int pass = 0; pass < 3; ++pass)
        for (std::size_t i = 0; i < m_points.size(); ++i) {
            const auto& p = m_points[i];
            const int layer = m_selected[i] ? 2 : p.correct() ? 0 : 1;
            if (layer != pass)
                continue;
            const QPointF at = toWidget(p.at);
            if (!area.contains(at))
                continue;
            QColor colour = colourOf(p);
            if (selecting && !m_selected[i])
                colour.setAlpha(50);
            if (images) {
                const QRectF box(at.x() - imageSize / 2, at.y() - imageSize / 2, imageSize, imageSize);
                painter.setOpacity(selecting && !m_selected[i] ? 0.3 : 1.0);
                painter.drawImage(box, imageOf(int(i)));
                painter.setOpacity(1.0);
                painter.setPen(QPen(colour, m_selected[i] || !p.correct() ? 3 : 2));
                painter.setBrush(Qt::NoBrush);
                painter.drawRect(box);
                continue;
            }
            painter.setBrush(colour);
            if (m_selected[i])
                painter.setPen(QPen(outline, 1.2));
            else if (!p.correct())
                painter.setPen(QPen(QColor(0, 0, 0, selecting ? 50 : 160), 0.8));
            else
                painter.setPen(Qt::NoPen);
            const double r = p.correct() ? 2.4 : 3.2;
            painter.drawEllipse(at, r, r);
        }
}

void EmbeddingView::paintLegend(QPainter& painter) const
{
    std::vector<std::pair<QString, QBrush>> entries;
    switch (m_colouring) {
    case Colouring::TrueClass:
    case Colouring::Predicted:
        for (int k = 0; k < 10; ++k)
            entries.emplace_back(m_classNames.value(k, QString::number(k)), colors::category(k));
        break;
    case Colouring::Correctness:
        entries = {{tr("correct"), colors::correct}, {tr("error (drawn on top)"), colors::error}};
        break;
    case Colouring::Confidence:
        for (int c : {0, 25, 50, 75, 100})
            entries.emplace_back(tr("%1 %").arg(c), colors::viridis(c / 100.0));
        break;
    }
    drawLegend(painter, palette(), QPointF(10, 8), entries, width() - 10);
}

void EmbeddingView::paintHover(QPainter& painter) const
{
    if (m_hovered < 0 || m_hovered >= int(m_points.size()))
        return;
    const QPointF at = toWidget(m_points[std::size_t(m_hovered)].at);
    painter.setPen(QPen(palette().color(QPalette::Text), 1.5));
    painter.setBrush(Qt::NoBrush);
    painter.drawEllipse(at, 6, 6);
    const QFontMetrics fm(font());
    const QSize box(std::max(84, fm.horizontalAdvance(m_hoverText) + 12), 84 + fm.height() + 8);
    QPointF corner = at + QPointF(14, 14);
    if (corner.x() + box.width() > width())
        corner.setX(at.x() - 14 - box.width());
    if (corner.y() + box.height() > height())
        corner.setY(at.y() - 14 - box.height());
    const QRectF frame(corner, QSizeF(box));
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(palette().color(QPalette::ToolTipBase));
    painter.drawRoundedRect(frame, 4, 4);
    painter.drawImage(QRectF(frame.left() + 6, frame.top() + 6, 72, 72), imageOf(m_hovered));
    painter.setPen(palette().color(QPalette::ToolTipText));
    painter.drawText(QPointF(frame.left() + 6, frame.top() + 84 + fm.ascent()), m_hoverText);
}

void EmbeddingView::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Base));
    if (m_points.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    if (m_picture.size() != size() * devicePixelRatioF()) {
        m_picture = QPixmap(size() * devicePixelRatioF());
        m_picture.setDevicePixelRatio(devicePixelRatioF());
        m_picture.fill(Qt::transparent);
        QPainter points(&m_picture);
        points.setRenderHint(QPainter::Antialiasing);
        paintPoints(points);
    }
    painter.drawPixmap(0, 0, m_picture);
    painter.setRenderHint(QPainter::Antialiasing);
    paintLegend(painter);
    if (m_lasso.size() > 1) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 1.5, Qt::DashLine));
        painter.setBrush(QColor(palette().color(QPalette::Highlight).rgb() & 0x30ffffff));
        painter.drawPolygon(m_lasso);
    }
    if (m_marker) {
        const QPointF at = toWidget(*m_marker);
        painter.setPen(QPen(Qt::black, 4));
        painter.drawLine(at - QPointF(11, 0), at + QPointF(11, 0));
        painter.drawLine(at - QPointF(0, 11), at + QPointF(0, 11));
        painter.setPen(QPen(colors::validation, 2.2));
        painter.drawLine(at - QPointF(10, 0), at + QPointF(10, 0));
        painter.drawLine(at - QPointF(0, 10), at + QPointF(0, 10));
        painter.setBrush(Qt::NoBrush);
        painter.drawEllipse(at, 7, 7);
        QFont bold = font();
        bold.setBold(true);
        painter.setFont(bold);
        const QRectF box = QFontMetricsF(bold).boundingRect(m_markerLabel).translated(at + QPointF(15, -10));
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette().color(QPalette::Base));
        painter.drawRoundedRect(box.adjusted(-3, -1, 3, 1), 3, 3);
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(at + QPointF(15, -10), m_markerLabel);
        painter.setFont(font());
    }
    paintHover(painter);
}

void EmbeddingView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (m_fitted) // a map nobody has zoomed or panned keeps fitting the view
        fitAll();
    else
        changed();
}

void EmbeddingView::hoverAt(QPointF pos)
{
    const int i = pointAt(pos);
    if (i == m_hovered)
        return;
    m_hovered = i;
    m_hoverText.clear();
    if (i >= 0) {
        const auto& p = m_points[std::size_t(i)];
        const auto name = [this](int k) { return m_classNames.value(k, QString::number(k)); };
        m_hoverText = p.correct() ? tr("#%1 · %2 (%3 %)").arg(i).arg(name(p.label)).arg(p.confidence * 100, 0, 'f', 1)
                                  : tr("#%1 · %2 taken for %3 (%4 %)")
                                        .arg(i)
                                        .arg(name(p.label), name(p.predicted))
                                        .arg(p.confidence * 100, 0, 'f', 1);
    }
    update();
}

void EmbeddingView::wheelEvent(QWheelEvent* event)
{
    if (m_points.empty())
        return;
    zoom(std::pow(1.25, event->angleDelta().y() / 120.0), event->position());
}

void EmbeddingView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        m_lasso = QPolygonF({event->position()});
    else {
        m_panning = true;
        m_panFrom = event->position();
    }
}

void EmbeddingView::mouseMoveEvent(QMouseEvent* event)
{
    if (m_panning) {
        m_centre -= (event->position() - m_panFrom) / m_scale;
        m_fitted = false;
        m_panFrom = event->position();
        changed();
    } else if (!m_lasso.isEmpty()) {
        m_lasso << event->position();
        update();
    } else {
        hoverAt(event->position());
    }
}

void EmbeddingView::mouseReleaseEvent(QMouseEvent* event)
{
    const bool add = event->modifiers() & (Qt::ShiftModifier | Qt::ControlModifier);
    if (!m_lasso.isEmpty() && event->button() == Qt::LeftButton) {
        const QRectF extent = m_lasso.boundingRect();
        if (extent.width() + extent.height() < 6) {
            selectAt(event->position(), add);
        } else {
            QPolygonF polygon;
            for (const QPointF& p : m_lasso)
                polygon << toMap(p);
            selectInside(polygon, add);
        }
        m_lasso.clear();
    }
    m_panning = false;
    update();
}

void EmbeddingView::mouseDoubleClickEvent(QMouseEvent*)
{
    fitAll();
}

void EmbeddingView::leaveEvent(QEvent*)
{
    m_hovered = -1;
    update();
}

} // namespace studio::ui
