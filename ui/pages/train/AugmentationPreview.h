#pragma once
#include "data/AugmentConfig.h"

#include <QImage>
#include <QList>
#include <QWidget>

class QTimer;

namespace studio::ui {

/// A grid of training digits, each with several augmented versions drawn by the same code the
/// trainer uses; recomputed off the UI thread shortly after the settings change.
class AugmentationPreview : public QWidget {
    Q_OBJECT
public:
    explicit AugmentationPreview(QWidget* parent = nullptr);

    /// The digits to distort (28×28 grayscale) and the dataset's normalisation.
    void setSamples(const QList<QImage>& samples, double mean, double std);
    void setAugment(const AugmentConfig& augment);
    /// New random draws.
    void reshuffle();

    int rows() const { return m_rows.size(); }
    /// The images on show: row-major, the original first in each row.
    const QList<QList<QImage>>& grid() const { return m_rows; }
    QSize sizeHint() const override;

Q_SIGNALS:
    void updated();

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void schedule();
    void compute();

    QList<QImage> m_samples;
    double m_mean = 0.1307, m_std = 0.3081;
    AugmentConfig m_augment;
    quint64 m_salt = 0;
    int m_generation = 0;
    QList<QList<QImage>> m_rows;
    QTimer* m_debounce;
};

} // namespace studio::ui
