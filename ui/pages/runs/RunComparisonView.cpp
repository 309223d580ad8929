#include "RunComparisonView.h"

#include "ChartColors.h"
#include "ChartToolbar.h"
#include "LiveChart.h"
#include "RunHistory.h"

#include "runs/RunComparison.h"
#include "runs/RunStore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <map>
#include <optional>

namespace studio::ui {

QColor RunComparisonView::runColor(int index)
{
    return colors::category(index); // Tableau 10, as TensorBoard and matplotlib colour runs
}

RunComparisonView::RunComparisonView(QWidget* parent)
    : QWidget(parent), m_loss(new LiveChart(tr("Loss"), tr("batch loss"), this)),
      m_accuracy(new LiveChart(tr("Validation accuracy"), tr("accuracy (%)"), this)),
      m_lr(new LiveChart(tr("Learning rate"), tr("learning rate"), this)), m_toolbar(nullptr),
      m_diff(new QTableWidget(this)), m_onlyDiffering(new QCheckBox(tr("Only fields that differ"), this)),
      m_colorBy(new QComboBox(this)), m_hint(new QLabel(this))
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
    m_colorBy->setObjectName("compareColorBy");
    m_colorBy->setToolTip(tr("Colour the runs by a field that differs between them (numbers dark to bright)"));
    m_colorBy->addItem(tr("Colour: one per run"), QString());
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
    auto* tools = new QHBoxLayout;
    tools->addWidget(m_toolbar, 1);
    tools->addWidget(m_colorBy);
    layout->addLayout(tools);
    layout->addLayout(grid, 1);
    connect(m_onlyDiffering, &QCheckBox::toggled, this, &RunComparisonView::fillDiff);
    connect(m_colorBy, &QComboBox::currentIndexChanged, this, [this] {
        if (m_store)
            showRuns(*m_store, m_ids);
    });
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
    m_store = &store;
    m_ids = ids;
    for (auto* chart : charts())
        chart->removeAllSeries();
    std::vector<RunRecord> runs;
    QStringList leftOut;
    for (const qint64 id : ids) {
        const auto run = store.run(id);
        if (!run)
            continue;
        if (!runs.empty() && run->data.key() != runs.front().data.key()) { // curves on other data are not comparable
            leftOut << tr("run %1 (%2)").arg(id).arg(QString::fromStdString(run->data.name));
            continue;
        }
        runs.push_back(*run);
    }
    m_configs.clear();
    m_shown.clear();
    for (const auto& r : runs) {
        m_configs.push_back(r.config);
        m_shown.push_back(r.id);
    }
    // The fields that differ are the colourings offered; the choice stays while it is one of them.
    const QString field = m_colorBy->currentData().toString();
    {
        const QSignalBlocker quiet(m_colorBy);
        while (m_colorBy->count() > 1)
            m_colorBy->removeItem(1);
        for (const QString& key : differingFields())
            m_colorBy->addItem(tr("Colour by %1").arg(key), key);
        m_colorBy->setCurrentIndex(std::max(0, m_colorBy->findData(field)));
    }
    m_colors = runColors();
    QStringList names;
    double steps = 0, epochs = 0;
    const QString by = colorField();
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& run = runs[i];
        const auto h = runHistory(store, run.id);
        QString name = tr("run %1").arg(run.id) + (run.name.isEmpty() ? QString() : ": " + run.name);
        if (!by.isEmpty()) {
            const QJsonValue v = configToJson(run.config)[by];
            name += QString(" · %1=%2")
                        .arg(by, v.isDouble() ? QString::number(v.toDouble(), 'g', 4) : v.toVariant().toString());
        }
        const QColor color = m_colors[i];
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
        steps = std::max(steps, double(h.start.batchesPerEpoch) * run.config.numEpochs);
        epochs = std::max(epochs, double(run.config.numEpochs));
        names << name;
    }
    for (auto* chart : charts()) {
        chart->setExtent(steps, epochs);
        if (isVisible()) // hidden charts lay out their axes when shown (showEvent)
            chart->refresh();
    }
    m_names = names;
    fillDiff();
    if (!leftOut.isEmpty())
        m_hint->setText(tr("Left out, trained on other data than run %1 (%2): %3. Select runs of one dataset to "
                           "compare them.")
                            .arg(runs.front().id)
                            .arg(QString::fromStdString(runs.front().data.describe()), leftOut.join(", ")));
    else
        m_hint->setText(selectHint());
    m_hint->setVisible(ids.empty() || !leftOut.isEmpty());
}

void RunComparisonView::setColorField(const QString& key)
{
    const int index = m_colorBy->findData(key);
    m_colorBy->setCurrentIndex(std::max(0, index));
}

QString RunComparisonView::colorField() const
{
    return m_colorBy->currentData().toString();
}

QColor RunComparisonView::colorOf(qint64 id) const
{
    for (std::size_t i = 0; i < m_shown.size() && i < m_colors.size(); ++i)
        if (m_shown[i] == id)
            return m_colors[i];
    return {};
}

std::vector<QColor> RunComparisonView::runColors() const
{
    std::vector<QColor> out;
    const QString key = colorField();
    if (key.isEmpty()) {
        for (std::size_t i = 0; i < m_configs.size(); ++i)
            out.push_back(runColor(int(i)));
        return out;
    }
    std::vector<QJsonValue> values;
    bool numeric = true;
    for (const auto& c : m_configs) {
        values.push_back(configToJson(c)[key]);
        numeric = numeric && values.back().isDouble();
    }
    if (numeric) { // dark (small) to bright (large); log scale over a decade or more
        double lo = INFINITY, hi = -INFINITY;
        for (const auto& v : values)
            lo = std::min(lo, v.toDouble()), hi = std::max(hi, v.toDouble());
        const bool logScale = lo > 0 && hi / lo >= 10;
        const auto f = [logScale](double v) { return logScale ? std::log10(v) : v; };
        for (const auto& v : values)
            out.push_back(colors::viridis(hi > lo ? (f(v.toDouble()) - f(lo)) / (f(hi) - f(lo)) : 0.5));
        return out;
    }
    std::map<QString, int> index; // one palette colour per value, in value order
    for (const auto& v : values)
        index.emplace(v.toVariant().toString(), 0);
    int next = 0;
    for (auto& [value, i] : index)
        i = next++;
    for (const auto& v : values)
        out.push_back(runColor(index[v.toVariant().toString()]));
    return out;
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
    for (int c = 0; c < int(m_shown.size()); ++c) { // short headers; the run's full name as tooltip
        auto* header = new QTableWidgetItem(tr("run %1").arg(m_shown[std::size_t(c)]));
        header->setToolTip(m_names.value(c));
        m_diff->setHorizontalHeaderItem(c, header);
    }
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
