#include "PerClassTable.h"

#include <QHeaderView>

#include <cmath>

namespace studio::ui {
namespace {

/// A number cell that sorts by value.
QTableWidgetItem* numberItem(double value, int decimals)
{
    auto* item = new QTableWidgetItem;
    item->setData(Qt::DisplayRole, decimals > 0
                                       ? QVariant(std::round(value * std::pow(10, decimals)) / std::pow(10, decimals))
                                       : QVariant(qlonglong(value)));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

PerClassTable::PerClassTable(QWidget* parent) : QTableWidget(0, 6, parent)
{
    setObjectName("perClassTable");
    setHorizontalHeaderLabels({tr("class"), tr("precision"), tr("recall"), tr("F1"), tr("support"), tr("accuracy")});
    verticalHeader()->hide();
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    setSortingEnabled(true);
}

void PerClassTable::setReport(const ClassificationReport& report, const QStringList& classNames)
{
    setSortingEnabled(false);
    const int classes = int(report.perClass.size());
    setRowCount(classes + 2);
    const auto fill = [this](int row, const QString& name, const ClassScores& s) {
        setItem(row, 0, new QTableWidgetItem(name));
        setItem(row, 1, numberItem(s.precision, 4));
        setItem(row, 2, numberItem(s.recall, 4));
        setItem(row, 3, numberItem(s.f1, 4));
        setItem(row, 4, numberItem(double(s.support), 0));
        setItem(row, 5, numberItem(s.recall, 4)); // per-class accuracy is the class's recall
    };
    for (int k = 0; k < classes; ++k)
        fill(k, classNames.value(k, QString::number(k)), report.perClass[std::size_t(k)]);
    fill(classes, tr("macro avg"), report.macro);
    fill(classes + 1, tr("weighted avg"), report.weighted);
    setSortingEnabled(true);
}

} // namespace studio::ui
