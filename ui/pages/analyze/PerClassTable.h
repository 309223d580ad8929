#pragma once
#include "evaluation/ClassificationReport.h"

#include <QStringList>
#include <QTableWidget>

namespace studio::ui {

/// The per-class table of the Analyze page: precision, recall, F1, support and accuracy of every
/// class, then the macro and weighted averages; sortable by any column (numbers sort as numbers).
class PerClassTable : public QTableWidget {
    Q_OBJECT
public:
    explicit PerClassTable(QWidget* parent = nullptr);

    /// Rows named by `classNames` (default: the class numbers).
    void setReport(const ClassificationReport& report, const QStringList& classNames = {});
};

} // namespace studio::ui
