#pragma once
#include "training/TrainConfig.h"

#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace studio::ui {

class AblationChart;
class StudyQueue;

/// Ablation studies and seed repeats from the studio: a built-in study, one field over several
/// values, or one config over N seeds, all from a base configuration (the Train page's); queued
/// through StudyQueue with progress; the result table and bar chart as `ablate` writes them.
class StudyPanel : public QWidget {
    Q_OBJECT
public:
    StudyPanel(StudyQueue* queue, QWidget* parent = nullptr);

    /// Where the base configuration comes from (the Train page's form).
    void setBaseConfig(std::function<TrainConfig()> base) { m_base = std::move(base); }
    /// Builds the chosen study over the base and starts it; returns "" or the problem shown.
    QString startStudy();
    /// Chooses the kind programmatically: a built-in id, "field" or "seeds".
    void setKind(const QString& kind);
    void setField(const QString& key, const QString& values);
    void setSeeds(int count);

    QTableWidget* resultTable() const { return m_table; }
    QString statusText() const;

private:
    void updateInputs();
    void showResult();

    StudyQueue* m_queue;
    std::function<TrainConfig()> m_base;
    QComboBox* m_kind;
    QComboBox* m_field;
    QLineEdit* m_values;
    QSpinBox* m_seeds;
    QPushButton* m_start;
    QPushButton* m_cancel;
    QPushButton* m_exportCsv;
    QProgressBar* m_progress;
    QLabel* m_status;
    QTableWidget* m_table;
    AblationChart* m_chart;
};

} // namespace studio::ui
