#pragma once
#include "ParallelAxes.h"

#include <QWidget>

#include <optional>
#include <vector>

namespace studio::ui {

/// A sweep as parallel coordinates (W&B's and Optuna's view of a search): one vertical axis per
/// varied field (numeric axes linear, or logarithmic when the values span a decade or more; text and
/// boolean values as categories) and a last axis for the metric; each run a line coloured by its
/// metric (viridis), runs without one dashed grey. Dragging along an axis brushes a range there;
/// runs outside any brush turn grey and brushChanged() tells which runs pass. A click on an axis
/// clears its brush. Hovering a line names its run.
class ParallelCoordinates : public QWidget {
    Q_OBJECT
public:
    explicit ParallelCoordinates(QWidget* parent = nullptr);

    /// Shows `runs` over `fields` + the metric axis. Brushes stay when the fields are the same.
    void setData(const QString& title, const QStringList& fields, const QString& metricName,
                 std::vector<ParallelRun> runs);
    int axisCount() const { return int(m_axes.size()); }
    /// Brushes axis `axis` (the last one is the metric, in %) to [low, high] in its values; a
    /// categorical axis takes category positions (0, 1, …). Emits brushChanged().
    void setBrush(int axis, double low, double high);
    void clearBrushes();
    bool isBrushed() const;
    /// The runs inside every brush (all runs when none), in the order given.
    std::vector<qint64> passingRuns() const;
    /// The line colour of `metric` on the metric axis (grey for none).
    QColor metricColor(double metric) const;
    /// The run whose line passes within a few pixels of `pos`, if any.
    std::optional<qint64> runAt(QPointF pos) const;
    /// Where run `id` crosses axis `axis` (for tests and tooltips); null when not shown.
    QPointF pointOf(qint64 id, int axis) const;
    QSize sizeHint() const override { return {720, 360}; }

Q_SIGNALS:
    void brushChanged();

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    std::optional<double> position(int axis, const ParallelRun& run) const;
    bool passes(const ParallelRun& run) const;
    QRectF plotArea() const;
    double axisX(int axis) const;
    double yOf(double t) const;
    void drawAxis(QPainter& painter, int index) const;

    QString m_title;
    std::vector<ParallelAxis> m_axes;
    std::vector<ParallelRun> m_runs;
    int m_dragAxis = -1;
    double m_dragStart = 0;
    std::optional<qint64> m_hover;
};

} // namespace studio::ui
