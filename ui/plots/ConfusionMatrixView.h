#pragma once
#include "evaluation/ConfusionMatrix.h"

#include <QStringList>
#include <QWidget>

namespace studio::ui {

/// A confusion-matrix heat map: rows are true classes, columns predicted ones; each cell shows
/// its count and percentage under the chosen normalisation, with row and column totals and a
/// colour legend. Hover shows the cell's detail; a click reports the cell.
class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    void setMatrix(const ConfusionMatrix& matrix, const QStringList& classNames = {});
    void setNormalization(ConfusionMatrix::Normalization normalization);
    const ConfusionMatrix& matrix() const { return m_matrix; }
    /// The widget rectangle of a cell (for tests and tooltips).
    QRect cellRect(int trueClass, int predictedClass) const;
    /// The cell under a position, or (-1, -1).
    QPoint cellAt(const QPoint& position) const;
    QSize sizeHint() const override;

Q_SIGNALS:
    void cellClicked(int trueClass, int predictedClass);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    struct Layout {
        QRect grid;
        double cell = 0;
    };
    Layout layout() const;
    QString label(int k) const;

    ConfusionMatrix m_matrix;
    QStringList m_names;
    ConfusionMatrix::Normalization m_normalization = ConfusionMatrix::Normalization::ByTrue;
};

/// The heat colour for a value in [0, 1] (white → deep blue; errors read as warm on the off-diagonal).
QColor heatColor(double value, bool diagonal);

} // namespace studio::ui
