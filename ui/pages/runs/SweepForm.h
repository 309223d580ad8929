#pragma once
#include "runs/SweepSpace.h"

#include <QWidget>

class QComboBox;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace studio::ui {

/// What a new sweep searches, as a form: axes added one at a time (a field and its values
/// "1e-3, 3e-3, 1e-2" for a grid, or a range "0..0.5" / "log:1e-6..1e-3" for random draws), the
/// number of draws, seeds per point, the metric that ranks runs, and a name.
class SweepForm : public QWidget {
    Q_OBJECT
public:
    explicit SweepForm(QWidget* parent = nullptr);

    /// Adds an axis ("" or the problem, also shown); a field already there is replaced.
    QString addAxis(const QString& field, const QString& values);
    void removeAxis(int row);
    int axisCount() const;
    void setRandomDraws(int draws);
    void setSeeds(int seeds);
    void setMetric(const QString& metric);
    void setName(const QString& name);
    /// "sweep" when left empty.
    QString name() const;
    /// The sweep over `base`; throws StudioError naming what is missing or wrong.
    SweepSpec spec(const TrainConfig& base) const;

Q_SIGNALS:
    void problem(const QString& message);

private:
    QComboBox* m_field;
    QLineEdit* m_values;
    QPushButton* m_add;
    QListWidget* m_axes;
    QPushButton* m_remove;
    QSpinBox* m_draws;
    QSpinBox* m_seeds;
    QComboBox* m_metric;
    QLineEdit* m_name;
};

} // namespace studio::ui
