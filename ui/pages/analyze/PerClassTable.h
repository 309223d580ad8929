#pragma once
#include "evaluation/ClassificationReport.h"

#include <QTableWidget>

namespace studio::ui {

/// The per-class table of the Analyze page: precision, recall, F1, support and accuracy of every
/// class, then the macro and weighted averages; sortable by any column (numbers sort as numbers).
class PerClassTable : public QTableWidget {
    Q_OBJECT
public:
    explicit PerClassTable(QWidget* parent = nullptr);

    void setReport(const ClassificationReport& report);
};

} // namespace studio::ui
