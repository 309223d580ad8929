#pragma once
#include "evaluation/ConfusionMatrix.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QVariantAnimation;

namespace studio::ui {

/// A confusion-matrix heat map: rows are true classes, columns predicted ones; each cell shows
/// its count and percentage under the chosen normalisation, with row and column totals and a
/// colour legend. Hover shows the cell's detail; a click reports the cell. A matrix of the same
/// classes can fade in from the one on show (the epoch replay's animation).
class ConfusionMatrixView : public QWidget {
    Q_OBJECT
public:
    explicit ConfusionMatrixView(QWidget* parent = nullptr);

    /// `fade`: the cell colours blend from the matrix on show over 200 ms (same classes only).
    void setMatrix(const ConfusionMatrix& matrix, const QStringList& classNames = {}, bool fade = false);
    bool isFading() const;
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
    /// Each cell's fill, row-major, under the current normalisation.
    std::vector<QColor> fills() const;

    ConfusionMatrix m_matrix;
    QStringList m_names;
    ConfusionMatrix::Normalization m_normalization = ConfusionMatrix::Normalization::ByTrue;
    std::vector<QColor> m_fadeFrom; ///< the fills the fade starts from
    QVariantAnimation* m_fade;
};

/// The heat colour for a value in [0, 1] (white → deep blue; errors read as warm on the off-diagonal).
QColor heatColor(double value, bool diagonal);

} // namespace studio::ui
