#include "DrawCanvas.h"

#include <QMouseEvent>
#include <QPainter>
#include <QTabletEvent>

namespace studio::ui {
namespace {

constexpr int kSide = 280;
constexpr int kUndoDepth = 50;

} // namespace

DrawCanvas::DrawCanvas(QWidget* parent) : QWidget(parent), m_image(kSide, kSide, QImage::Format_Grayscale8)
{
    setObjectName("drawCanvas");
    m_image.fill(0);
    setMinimumSize(220, 220);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setCursor(Qt::CrossCursor);
    setAttribute(Qt::WA_TabletTracking);
}

bool DrawCanvas::isEmpty() const
{
    for (int y = 0; y < m_image.height(); ++y) {
        const uchar* row = m_image.constScanLine(y);
        for (int x = 0; x < m_image.width(); ++x)
            if (row[x])
                return false;
    }
    return true;
}

void DrawCanvas::setImage(const QImage& image)
{
    m_history.append(m_image);
    m_image = image.convertToFormat(QImage::Format_Grayscale8)
                  .scaled(kSide, kSide, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    update();
    Q_EMIT changed();
}

void DrawCanvas::setOverlay(const QImage& overlay)
{
    m_overlay = overlay;
    update();
}

void DrawCanvas::undo()
{
    if (m_history.isEmpty())
        return;
    m_image = m_history.takeLast();
    update();
    Q_EMIT changed();
}

void DrawCanvas::clear()
{
    if (isEmpty())
        return;
    m_history.append(m_image);
    m_image.fill(0);
    update();
    Q_EMIT changed();
}

QPointF DrawCanvas::toImage(const QPointF& p) const
{
    const double side = std::min(width(), height());
    return {p.x() * kSide / side, p.y() * kSide / side};
}

void DrawCanvas::begin(const QPointF& at, qreal pressure)
{
    m_history.append(m_image);
    if (m_history.size() > kUndoDepth)
        m_history.removeFirst();
    m_drawing = true;
    m_last = toImage(at);
    extend(at, pressure);
}

void DrawCanvas::extend(const QPointF& at, qreal pressure)
{
    if (!m_drawing)
        return;
    const QPointF to = toImage(at);
    QPainter painter(&m_image);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal width = (m_eraser ? m_penWidth * 1.6 : m_penWidth) * (0.5 + pressure);
    painter.setPen(QPen(m_eraser ? Qt::black : Qt::white, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter.drawLine(m_last, to);
    m_last = to;
    update();
    Q_EMIT changed();
}

void DrawCanvas::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        begin(event->position(), 0.5);
}

void DrawCanvas::mouseMoveEvent(QMouseEvent* event)
{
    extend(event->position(), 0.5);
}

void DrawCanvas::mouseReleaseEvent(QMouseEvent*)
{
    m_drawing = false;
}

void DrawCanvas::tabletEvent(QTabletEvent* event)
{
    switch (event->type()) {
    case QEvent::TabletPress:
        begin(event->position(), event->pressure());
        break;
    case QEvent::TabletMove:
        extend(event->position(), event->pressure());
        break;
    case QEvent::TabletRelease:
        m_drawing = false;
        break;
    default:
        break;
    }
    event->accept();
}

void DrawCanvas::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Window));
    const int side = std::min(width(), height());
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(QRect(0, 0, side, side), m_image);
    if (!m_overlay.isNull())
        painter.drawImage(QRect(0, 0, side, side), m_overlay);
    painter.setPen(QPen(palette().color(QPalette::Mid), 1));
    painter.drawRect(QRect(0, 0, side - 1, side - 1));
    if (isEmpty()) {
        painter.setPen(QColor(0x90, 0x90, 0x90));
        painter.drawText(QRect(0, 0, side, side), Qt::AlignCenter, tr("Draw a digit here"));
    }
}

} // namespace studio::ui
