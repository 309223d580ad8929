#pragma once
#include <QStringList>
#include <QWidget>

#include <vector>

namespace studio::ui {

/// Per-class validation accuracy epoch by epoch as a heat strip: classes down, epochs across,
/// coloured on viridis from the lowest accuracy on show (dark) to 100 % (yellow), with that
/// scale drawn beneath. Hovering a cell reads it.
class ClassAccuracyStrip : public QWidget {
    Q_OBJECT
public:
    explicit ClassAccuracyStrip(QWidget* parent = nullptr);

    /// The classes, in order (the digits until set; none keeps them).
    void setClassNames(const QStringList& names);
    /// The name of class k (its number when the names are not known).
    QString className(int k) const { return k >= 0 && k < m_names.size() ? m_names[k] : QString::number(k); }
    void clear();
    /// Adds (or replaces) an epoch's per-class accuracies in [0, 1]; an empty one is ignored.
    void addEpoch(int epoch, const std::vector<double>& accuracy);

    int epochCount() const { return int(m_epochs.size()); }
    /// The accuracy shown for `cls` at the `index`-th epoch on show (NaN when none).
    double value(int index, int cls) const;
    /// The lowest accuracy the colour scale starts from, in [0, 1].
    double scaleLow() const;
    /// What hovering at `position` reads ("" outside the cells).
    QString readoutAt(const QPoint& position) const;
    /// Where the cell of the `index`-th epoch and `cls` is drawn.
    QRect cellRect(int index, int cls) const;

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    int rows() const;
    QRect plotRect() const;

    QStringList m_names;
    std::vector<int> m_epochs;
    std::vector<std::vector<double>> m_values; ///< per epoch on show, per class
};

} // namespace studio::ui
