#pragma once
#include "inference/Robustness.h"

#include <QImage>
#include <QStringList>
#include <QWidget>

namespace studio::ui {

/// A drawing's robustness sweep: one small plot per perturbation (shift x/y, rotation, scale,
/// thickness, noise) of every class's probability against the amount (class colours), the unbent
/// drawing's class bold in the text colour, the stretches where the answer differs shaded, and the nearest flip on each
/// side marked with the class it flips to. Hovering a plot shows the bent image at that amount and the model's answer
/// there.
class RobustnessView : public QWidget {
    Q_OBJECT
public:
    explicit RobustnessView(QWidget* parent = nullptr);

    /// `input28`: the 28×28 image that was swept (grayscale, ink bright).
    void setSweep(const RobustnessSweep& sweep, const QImage& input28, const QStringList& classNames);
    /// No sweep: `message` in its place ("Draw a digit…").
    void clear(const QString& message);
    const RobustnessSweep& sweep() const { return m_sweep; }
    /// The plot under `pos` and the amount there (−1 when `pos` is outside every plot).
    std::pair<int, double> amountAt(QPointF pos) const;
    /// Where the hover readout is (axis −1: none); for tests and the screenshots.
    void hover(int axis, double amount);
    QString hoverText() const { return m_hoverText; }

    QSize sizeHint() const override { return {560, 470}; }
    QSize minimumSizeHint() const override { return {300, 200}; }

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    /// The plot rectangle of axis `i` (axes in a grid two wide).
    QRectF plotArea(int i) const;
    QString className(int k) const;
    void paintAxis(QPainter& painter, int i) const;

    RobustnessSweep m_sweep;
    QImage m_input;
    QStringList m_classNames;
    QString m_message;
    int m_hoverAxis = -1;
    double m_hoverAmount = 0;
    QImage m_hoverImage;
    QString m_hoverText;
};

} // namespace studio::ui
