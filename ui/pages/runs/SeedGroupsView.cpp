#include "SeedGroupsView.h"

#include "RunsTableModel.h"

#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace studio::ui {
namespace {

QString percentNumber(double value)
{
    return QString::number(value * 100, 'f', 2);
}

} // namespace

SeedGroupsView::SeedGroupsView(QWidget* parent) : QWidget(parent)
{
    m_table = new QTableWidget(0, 4, this);
    m_table->setObjectName("seedGroups");
    m_table->setHorizontalHeaderLabels(
        {tr("configuration"), tr("runs"), tr("accuracy (mean ± std, %)"), tr("run ids")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_verdict = new QLabel(this);
    m_verdict->setObjectName("seedVerdict");
    m_verdict->setWordWrap(true);
    auto* note = new QLabel(tr("Runs whose configurations differ only in the seed form a group; accuracy is the test "
                               "accuracy once evaluated, else the best validation accuracy. Select two groups to "
                               "compare them. Repeat a configuration over seeds on the Studies tab."),
                            this);
    note->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(note);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_verdict);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &SeedGroupsView::compareSelected);
}

void SeedGroupsView::setRuns(const std::vector<RunRecord>& runs)
{
    m_groups = seedGroups(runs);
    const auto& groups = m_groups;
    m_table->setRowCount(int(groups.size()));
    for (int i = 0; i < int(groups.size()); ++i) {
        const auto& g = groups[std::size_t(i)];
        QStringList ids;
        for (const qint64 id : g.runIds)
            ids << QString::number(id);
        const QString spread = g.summary.n > 1 ? QString::fromUtf8(" ± ") + percentNumber(g.summary.std) : QString();
        auto* config =
            new QTableWidgetItem(QString::fromStdString(g.dataset) + " · " + QString::fromStdString(g.config.model) +
                                 " · " + keyHyperparameters(g.config).section(" · seed", 0, 0) + " · " +
                                 (g.config.numEpochs == 1 ? tr("1 epoch") : tr("%1 epochs").arg(g.config.numEpochs)));
        config->setData(Qt::UserRole, i);
        m_table->setItem(i, 0, config);
        m_table->setItem(i, 1, new QTableWidgetItem(QString::number(g.summary.n)));
        m_table->setItem(i, 2, new QTableWidgetItem(percentNumber(g.summary.mean) + spread));
        m_table->setItem(i, 3, new QTableWidgetItem(ids.join(", ")));
    }
    compareSelected();
}

QString SeedGroupsView::verdict() const
{
    return m_verdict->text();
}

void SeedGroupsView::compareSelected()
{
    const auto& groups = m_groups;
    std::vector<int> rows;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        rows.push_back(index.row());
    std::sort(rows.begin(), rows.end());
    if (rows.size() != 2 || rows.back() >= int(groups.size())) {
        m_verdict->setText(tr("Select two groups to compare them."));
        return;
    }
    const auto& a = groups[std::size_t(rows[0])];
    const auto& b = groups[std::size_t(rows[1])];
    const auto c = compareSpread(a.summary, b.summary);
    if (!c.comparable) {
        m_verdict->setText(tr("Each group needs at least two seeds to know its spread (these have %1 and %2): "
                              "repeat them over seeds on the Studies tab.")
                               .arg(a.summary.n)
                               .arg(b.summary.n));
        return;
    }
    m_verdict->setText(
        tr("Row %1 − row %2: %3 points; seed-to-seed standard error of the difference %4 points. %5")
            .arg(rows[0] + 1)
            .arg(rows[1] + 1)
            .arg(QString::asprintf("%+.2f", c.difference * 100))
            .arg(c.standardError * 100, 0, 'f', 2)
            .arg(c.exceedsSpread ? tr("The difference exceeds the seed-to-seed spread (more than 2 standard errors).")
                                 : tr("The difference is within the seed-to-seed spread (at most 2 standard "
                                      "errors): these runs do not tell the configurations apart.")));
}

} // namespace studio::ui
