#pragma once
#include <QImage>
#include <QList>
#include <QWidget>

namespace studio::ui {

/// A square drawing surface for one digit: white ink on black like MNIST, mouse or tablet (pen
/// pressure widens the stroke), eraser, undo per stroke, clear. Emits changed() while drawing.
class DrawCanvas : public QWidget {
    Q_OBJECT
public:
    explicit DrawCanvas(QWidget* parent = nullptr);

    /// The drawing as an 8-bit grayscale image (canvas resolution).
    QImage image() const { return m_image; }
    /// Replaces the drawing (e.g. a test digit to edit); undoable.
    void setImage(const QImage& image);
    bool isEmpty() const;

    void setPenWidth(int width) { m_penWidth = width; }
    int penWidth() const { return m_penWidth; }
    void setEraser(bool on) { m_eraser = on; }
    bool eraser() const { return m_eraser; }
    void undo();
    void clear();
    bool canUndo() const { return !m_history.isEmpty(); }
    /// A translucent image painted over the drawing (Grad-CAM); a null image removes it.
    void setOverlay(const QImage& overlay);
    QImage overlay() const { return m_overlay; }

    QSize sizeHint() const override { return {392, 392}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return width; }

Q_SIGNALS:
    void changed();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void tabletEvent(QTabletEvent* event) override;

private:
    void begin(const QPointF& at, qreal pressure);
    void extend(const QPointF& at, qreal pressure);
    QPointF toImage(const QPointF& widgetPoint) const;

    QImage m_image;
    QImage m_overlay;
    QList<QImage> m_history;
    QPointF m_last;
    bool m_drawing = false;
    int m_penWidth = 26; ///< in canvas pixels (the canvas is 280×280: MNIST's 20-pixel digits × 14)
    bool m_eraser = false;
};

} // namespace studio::ui
