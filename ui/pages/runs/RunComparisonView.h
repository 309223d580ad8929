#pragma once
#include "training/TrainConfig.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
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
    /// Colours the runs by a config field (numbers on the viridis scale, other values one colour
    /// each) instead of one colour per run; "" for one per run. Offered: the fields that differ.
    void setColorField(const QString& key);
    QString colorField() const;
    /// The colour run `id` is drawn in (invalid when not shown).
    QColor colorOf(qint64 id) const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    static QString selectHint();
    void fillDiff();
    /// One colour per shown run: by run order, or by m_colorBy's field.
    std::vector<QColor> runColors() const;

    LiveChart* m_loss;
    LiveChart* m_accuracy;
    LiveChart* m_lr;
    ChartToolbar* m_toolbar;
    QTableWidget* m_diff;
    QCheckBox* m_onlyDiffering;
    QComboBox* m_colorBy;
    QLabel* m_hint;
    std::vector<TrainConfig> m_configs;
    QStringList m_names;
    std::vector<qint64> m_shown; ///< ids of the runs drawn, in m_configs' order
    std::vector<QColor> m_colors;
    const RunStore* m_store = nullptr;
    std::vector<qint64> m_ids; ///< as asked for (redrawn when the colouring changes)
};

} // namespace studio::ui
