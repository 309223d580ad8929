#include "RunComparisonView.h"

#include "ChartToolbar.h"
#include "LiveChart.h"
#include "RunHistory.h"

#include "runs/RunComparison.h"
#include "runs/RunStore.h"

#include <QCheckBox>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <optional>

namespace studio::ui {

QColor RunComparisonView::runColor(int index)
{
    // Tableau 10, as TensorBoard and matplotlib colour runs.
    static const QColor palette[] = {{0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28},
                                     {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f},
                                     {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf}};
    return palette[index % 10];
}

RunComparisonView::RunComparisonView(QWidget* parent)
    : QWidget(parent), m_loss(new LiveChart(tr("Loss"), tr("batch loss"), this)),
      m_accuracy(new LiveChart(tr("Validation accuracy"), tr("accuracy (%)"), this)),
      m_lr(new LiveChart(tr("Learning rate"), tr("learning rate"), this)), m_toolbar(nullptr),
      m_diff(new QTableWidget(this)), m_onlyDiffering(new QCheckBox(tr("Only fields that differ"), this)),
      m_hint(new QLabel(this))
{
    m_loss->setObjectName("compareLoss");
    m_accuracy->setObjectName("compareAccuracy");
    m_lr->setObjectName("compareLr");
    m_loss->setValueBounds(0, std::nan(""));
    m_accuracy->setValueBounds(0, 100);
    m_lr->setValueBounds(0, std::nan(""));
    m_toolbar = new ChartToolbar(charts(), {m_loss, m_lr}, this);
    m_toolbar->setSmoothing(0.6);
    m_diff->setObjectName("configDiff");
    m_diff->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_diff->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_onlyDiffering->setObjectName("onlyDiffering");
    m_onlyDiffering->setChecked(true);
    m_hint->setObjectName("compareHint");
    m_hint->setWordWrap(true);

    // Two by two: loss and accuracy above, learning rate and the hyperparameter diff below.
    auto* diffBox = new QWidget(this);
    auto* diffLayout = new QVBoxLayout(diffBox);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->addWidget(m_onlyDiffering);
    diffLayout->addWidget(m_diff, 1);
    auto* grid = new QGridLayout;
    grid->setSpacing(6);
    grid->addWidget(m_loss, 0, 0);
    grid->addWidget(m_accuracy, 0, 1);
    grid->addWidget(m_lr, 1, 0);
    grid->addWidget(diffBox, 1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_hint);
    layout->addWidget(m_toolbar);
    layout->addLayout(grid, 1);
    connect(m_onlyDiffering, &QCheckBox::toggled, this, &RunComparisonView::fillDiff);
    // Smoothing, axis and scale changes mark the charts dirty; redraw them while on show.
    auto* repaint = new QTimer(this);
    repaint->setInterval(66);
    connect(repaint, &QTimer::timeout, this, [this] {
        if (isVisible())
            for (auto* chart : charts())
                chart->refresh();
    });
    repaint->start();
    m_hint->setText(selectHint());
}

QString RunComparisonView::selectHint()
{
    return tr("Select runs in the table (Ctrl/Shift-click for several) to overlay their curves.");
}

void RunComparisonView::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    for (auto* chart : charts())
        chart->refresh();
}

QList<LiveChart*> RunComparisonView::charts() const
{
    return {m_loss, m_accuracy, m_lr};
}

void RunComparisonView::showRuns(const RunStore& store, const std::vector<qint64>& ids)
{
    for (auto* chart : charts())
        chart->removeAllSeries();
    std::vector<TrainConfig> configs;
    QStringList names;
    double steps = 0, epochs = 0;
    int index = 0;
    std::optional<RunRecord> first;
    QStringList leftOut;
    for (const qint64 id : ids) {
        const auto run = store.run(id);
        if (!run)
            continue;
        if (!first)
            first = run;
        if (run->data.key() != first->data.key()) { // curves on other data are not comparable
            leftOut << tr("run %1 (%2)").arg(id).arg(QString::fromStdString(run->data.name));
            continue;
        }
        const auto h = runHistory(store, id);
        const QString name = tr("run %1").arg(id) + (run->name.isEmpty() ? QString() : ": " + run->name);
        const QColor color = runColor(index++);
        const int loss = m_loss->addSeries(name, {color, 2.0, Qt::SolidLine, true});
        const int accuracy = m_accuracy->addSeries(name, {color, 2.0, Qt::SolidLine, false, true});
        const int lr = m_lr->addSeries(name, {color, 2.0});
        for (const auto& b : h.batches) {
            const double epoch = (b.epoch - 1) + double(b.batch + 1) / double(std::max<qint64>(1, b.batchesPerEpoch));
            m_loss->append(loss, {double(b.step + 1), epoch, b.runSeconds, b.loss});
            m_lr->append(lr, {double(b.step), epoch, b.runSeconds, b.lr});
        }
        for (const auto& e : h.epochs)
            if (std::isfinite(e.valAccuracy))
                m_accuracy->append(accuracy, {double(e.step), double(e.epoch), e.runSeconds, e.valAccuracy * 100});
        steps = std::max(steps, double(h.start.batchesPerEpoch) * run->config.numEpochs);
        epochs = std::max(epochs, double(run->config.numEpochs));
        configs.push_back(run->config);
        names << name;
    }
    for (auto* chart : charts()) {
        chart->setExtent(steps, epochs);
        if (isVisible()) // hidden charts lay out their axes when shown (showEvent)
            chart->refresh();
    }
    m_names = names;
    m_configs = configs;
    fillDiff();
    if (!leftOut.isEmpty())
        m_hint->setText(tr("Left out, trained on other data than run %1 (%2): %3. Select runs of one dataset to "
                           "compare them.")
                            .arg(first->id)
                            .arg(QString::fromStdString(first->data.describe()), leftOut.join(", ")));
    else
        m_hint->setText(selectHint());
    m_hint->setVisible(ids.empty() || !leftOut.isEmpty());
}

QStringList RunComparisonView::differingFields() const
{
    QStringList keys;
    for (const auto& row : configDiff(m_configs))
        if (row.differs)
            keys << row.key;
    return keys;
}

void RunComparisonView::fillDiff()
{
    const auto rows = configDiff(m_configs);
    m_diff->clear();
    m_diff->setColumnCount(int(m_configs.size()));
    m_diff->setHorizontalHeaderLabels(m_names);
    QStringList keys;
    int shown = 0;
    m_diff->setRowCount(int(rows.size()));
    for (const auto& row : rows) {
        if (m_onlyDiffering->isChecked() && !row.differs)
            continue;
        keys << row.key;
        for (int c = 0; c < row.values.size(); ++c) {
            auto* item = new QTableWidgetItem(row.values[c]);
            if (row.differs) {
                QFont bold = item->font();
                bold.setBold(true);
                item->setFont(bold);
                item->setBackground(QColor(0xff, 0xe0, 0x82, 140));
            }
            m_diff->setItem(shown, c, item);
        }
        ++shown;
    }
    m_diff->setRowCount(shown);
    m_diff->setVerticalHeaderLabels(keys);
}

} // namespace studio::ui
