#pragma once
#include "runs/RunComparison.h"

#include <QWidget>

#include <vector>

class QLabel;
class QTableWidget;

namespace studio::ui {

/// Runs grouped by configuration but for the seed: runs, mean ± std of the final accuracy, run
/// ids; selecting two groups says whether their difference exceeds the seed-to-seed spread.
class SeedGroupsView : public QWidget {
    Q_OBJECT
public:
    explicit SeedGroupsView(QWidget* parent = nullptr);

    void setRuns(const std::vector<RunRecord>& runs);
    QTableWidget* table() const { return m_table; }
    /// What the comparison of the two selected groups says.
    QString verdict() const;

private:
    void compareSelected();

    std::vector<SeedGroup> m_groups;
    QTableWidget* m_table;
    QLabel* m_verdict;
};

} // namespace studio::ui
