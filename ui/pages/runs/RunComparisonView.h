#pragma once
#include "training/TrainConfig.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QLabel;
class QTableWidget;

namespace studio {
class RunStore;
}

namespace studio::ui {

class ChartToolbar;
class LiveChart;

/// Several runs side by side: their loss, accuracy and learning-rate curves overlaid on shared
/// axes (one colour per run; the Train page's smoothing, axes and export), and a hyperparameter
/// table with the fields that differ highlighted (or only those).
class RunComparisonView : public QWidget {
    Q_OBJECT
public:
    explicit RunComparisonView(QWidget* parent = nullptr);

    /// Shows runs `ids` of `store` (reads their recorded curves).
    void showRuns(const RunStore& store, const std::vector<qint64>& ids);

    QList<LiveChart*> charts() const;
    QTableWidget* diffTable() const { return m_diff; }
    /// The keys of the rows marked as differing.
    QStringList differingFields() const;
    /// The colour of the i-th run shown.
    static QColor runColor(int index);

protected:
    void showEvent(QShowEvent* event) override;

private:
    static QString selectHint();
    void fillDiff();

    LiveChart* m_loss;
    LiveChart* m_accuracy;
    LiveChart* m_lr;
    ChartToolbar* m_toolbar;
    QTableWidget* m_diff;
    QCheckBox* m_onlyDiffering;
    QLabel* m_hint;
    std::vector<TrainConfig> m_configs;
    QStringList m_names;
};

} // namespace studio::ui
