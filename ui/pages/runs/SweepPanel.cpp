#include "SweepPanel.h"

#include "DataSource.h"
#include "ParallelCoordinates.h"
#include "RunsService.h"
#include "SweepForm.h"
#include "SweepWorkers.h"
#include "TorchTasks.h"

#include "runs/Sweeps.h"
#include "util/PlainMessage.h"
#include "util/StudioError.h"

#include <QFile>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

namespace studio::ui {
namespace {

struct Created {
    qint64 id = 0;
    int runs = 0;
    QString error;
};

} // namespace

SweepPanel::SweepPanel(RunsService* runs, DataSource* data, SweepWorkers* workers, QWidget* parent)
    : QWidget(parent), m_runs(runs), m_data(data), m_workers(workers), m_form(new SweepForm(this)),
      m_create(new QPushButton(tr("Create sweep"), this)), m_table(new QTableWidget(0, 8, this)),
      m_workerCount(new QSpinBox(this)), m_start(new QPushButton(tr("Start workers"), this)),
      m_stop(new QPushButton(tr("Stop workers"), this)), m_cancel(new QPushButton(tr("Cancel sweep"), this)),
      m_best(new QPushButton(tr("Best run in Analyze"), this)), m_compare(new QPushButton(tr("Compare runs"), this)),
      m_clearBrushes(new QPushButton(tr("Clear brushes"), this)), m_workerLines(new QLabel(this)),
      m_status(new QLabel(this)), m_chart(new ParallelCoordinates(this))
{
    m_create->setObjectName("createSweep");
    m_create->setToolTip(tr("Queue the sweep's runs over the Train page's configuration and loaded dataset"));
    m_table->setObjectName("sweepsTable");
    m_table->setHorizontalHeaderLabels(
        {tr("id"), tr("name"), tr("status"), tr("done"), tr("running"), tr("queued"), tr("failed"), tr("best")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_workerCount->setObjectName("sweepWorkerCount");
    m_workerCount->setRange(1, std::max(1, QThread::idealThreadCount()));
    m_workerCount->setValue(std::max(1, QThread::idealThreadCount() / 2));
    m_workerCount->setToolTip(tr("Worker processes on this machine, each with its share of the cores. Other "
                                 "machines sharing the run store join with `mnist-studio-cli worker --sweep ID`."));
    m_start->setObjectName("startSweepWorkers");
    m_stop->setObjectName("stopSweepWorkers");
    m_cancel->setObjectName("cancelSweep");
    m_cancel->setToolTip(tr("No more runs of this sweep are started; its queued runs are marked cancelled"));
    m_best->setObjectName("analyzeBestSweepRun");
    m_compare->setObjectName("compareSweepRuns");
    m_compare->setToolTip(tr("Overlay the curves of the runs the brushes let through, coloured by the first varied "
                             "field"));
    m_clearBrushes->setObjectName("clearSweepBrushes");
    m_workerLines->setObjectName("sweepWorkerLines");
    m_workerLines->setWordWrap(true);
    m_status->setObjectName("sweepStatus");
    m_status->setWordWrap(true);

    auto* create = new QGroupBox(tr("New sweep from the Train page's configuration"), this);
    auto* createLayout = new QVBoxLayout(create);
    createLayout->addWidget(m_form);
    createLayout->addWidget(m_create, 0, Qt::AlignRight);
    auto* workersRow = new QHBoxLayout;
    workersRow->addWidget(new QLabel(tr("Workers"), this));
    workersRow->addWidget(m_workerCount);
    workersRow->addWidget(m_start);
    workersRow->addWidget(m_stop);
    workersRow->addStretch(1);
    workersRow->addWidget(m_cancel);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(create);
    leftLayout->addWidget(m_table, 1);
    leftLayout->addLayout(workersRow);
    leftLayout->addWidget(m_workerLines);
    leftLayout->addWidget(m_status);
    auto* chartButtons = new QHBoxLayout;
    chartButtons->addWidget(new QLabel(tr("Drag along an axis to brush a range; the runs table follows."), this), 1);
    chartButtons->addWidget(m_clearBrushes);
    chartButtons->addWidget(m_compare);
    chartButtons->addWidget(m_best);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_chart, 1);
    rightLayout->addLayout(chartButtons);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({520, 900});
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    connect(m_form, &SweepForm::problem, this, [this](const QString& p) { setStatus(p, true); });
    connect(m_create, &QPushButton::clicked, this, &SweepPanel::createSweep);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const auto rows = m_table->selectionModel()->selectedRows();
        if (!rows.isEmpty() && m_table->item(rows.first().row(), 0)) {
            m_sweep = m_table->item(rows.first().row(), 0)->text().toLongLong();
            showSweeps();
        }
    });
    connect(m_start, &QPushButton::clicked, this, [this] { startWorkers(m_workerCount->value()); });
    connect(m_stop, &QPushButton::clicked, this, &SweepPanel::stopWorkers);
    connect(m_cancel, &QPushButton::clicked, this, &SweepPanel::cancelSweep);
    connect(m_best, &QPushButton::clicked, this, &SweepPanel::analyzeBest);
    connect(m_clearBrushes, &QPushButton::clicked, m_chart, &ParallelCoordinates::clearBrushes);
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const auto* s = chosenSweep();
        if (!s)
            return;
        const auto fields = variedFields(sweepSpecFromJson(s->spec));
        Q_EMIT compareRequested(m_chart->passingRuns(),
                                fields.empty() ? QString() : QString::fromStdString(fields.front()));
    });
    connect(m_chart, &ParallelCoordinates::brushChanged, this, [this] {
        const auto ids = m_chart->passingRuns();
        Q_EMIT filterRuns(m_chart->isBrushed() ? std::optional(std::set<qint64>(ids.begin(), ids.end()))
                                               : std::nullopt);
    });
    connect(m_workers, &SweepWorkers::changed, this, [this] {
        const QStringList lines = m_workers->lastLines();
        QStringList shown;
        for (int i = 0; i < lines.size(); ++i)
            if (!lines[i].isEmpty())
                shown << tr("worker %1: %2").arg(i + 1).arg(lines[i]);
        m_workerLines->setText(m_workers->running() > 0
                                   ? tr("%1 workers on sweep %2").arg(m_workers->running()).arg(m_workers->sweep()) +
                                         (shown.isEmpty() ? QString() : "\n" + shown.join('\n'))
                                   : QString());
        updateButtons();
    });
    connect(m_workers, &SweepWorkers::finished, this, [this](const QString& message) {
        setStatus(message, message.contains(tr("Problems:")));
        m_runs->refresh(true);
    });
    updateButtons();
}

QString SweepPanel::statusText() const
{
    return m_status->text();
}

void SweepPanel::setStatus(const QString& text, bool error)
{
    m_status->setText(text);
    m_status->setStyleSheet(error ? "color: #c62828;" : QString());
}

QString SweepPanel::createSweep()
{
    QString problem;
    SweepSpec spec;
    const DatasetInfo data = m_data->loadedInfo();
    if (m_creating)
        problem = tr("A sweep is being created.");
    else if (!m_base)
        problem = tr("No base configuration.");
    else if (data.name.empty())
        problem = tr("Load a dataset on the Train page first: the sweep's runs train on it.");
    if (problem.isEmpty()) {
        try {
            spec = m_form->spec(m_base());
            expandSweep(spec); // an invalid point is named now, before anything is filed
        } catch (const StudioError& e) {
            problem = QString::fromUtf8(e.what());
        }
    }
    if (!problem.isEmpty()) {
        setStatus(problem, true);
        return problem;
    }
    m_creating = true;
    updateButtons();
    setStatus(tr("Creating sweep \"%1\" …").arg(m_form->name()));
    auto* watcher = new QFutureWatcher<Created>(this);
    connect(watcher, &QFutureWatcher<Created>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Created c = watcher->result();
        m_creating = false;
        if (c.error.isEmpty()) {
            m_sweep = c.id;
            m_runs->refresh(true);
            setStatus(tr("Sweep %1: %2 runs queued. Start workers to train them (or run `mnist-studio-cli worker "
                         "--sweep %1` on any machine sharing this run store).")
                          .arg(c.id)
                          .arg(c.runs));
        } else {
            setStatus(c.error, true);
        }
        updateButtons();
        Q_EMIT created(c.id, c.error);
    });
    watcher->setFuture(runTorchTask([location = m_runs->folder(), name = m_form->name(), spec, data] {
        Created c;
        try {
            RunStore store(location); // this thread's own connection
            c.id = studio::createSweep(store, name, spec, data);
            c.runs = store.sweep(c.id)->total;
        } catch (const std::exception& e) {
            c.error = QString::fromStdString(plainMessage(e));
        }
        return c;
    }));
    return {};
}

void SweepPanel::showSweeps()
{
    auto* store = m_runs->store();
    if (!store)
        return;
    try {
        m_sweeps = store->sweeps();
        if (m_sweep == 0 && !m_sweeps.empty())
            m_sweep = m_sweeps.back().id;
        m_sweepRuns = m_sweep > 0 ? store->sweepRuns(m_sweep) : std::vector<RunRecord>{};
    } catch (const StudioError& e) {
        setStatus(QString::fromUtf8(e.what()), true);
        return;
    }
    const QSignalBlocker quiet(m_table);
    m_table->setRowCount(int(m_sweeps.size()));
    int selected = -1;
    for (int i = 0; i < int(m_sweeps.size()); ++i) {
        const auto& s = m_sweeps[std::size_t(i)];
        const auto metric = s.spec["metric"].toString("val_acc").toStdString();
        const auto best = s.id == m_sweep ? bestSweepRun(m_sweepRuns, metric) : std::nullopt;
        const QStringList cells{
            QString::number(s.id),
            s.name,
            s.status,
            QString("%1/%2").arg(s.done).arg(s.total),
            QString::number(s.running),
            QString::number(s.queued + s.waiting),
            QString::number(s.failed),
            best ? QString("%1 % (run %2)").arg(sweepMetric(*best, metric) * 100, 0, 'f', 2).arg(best->id)
                 : QString("–")};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c >= 3 && c <= 6)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_table->setItem(i, c, item);
        }
        if (s.id == m_sweep)
            selected = i;
    }
    if (selected >= 0)
        m_table->selectRow(selected);
    showChart();
    updateButtons();
}

void SweepPanel::selectSweep(qint64 id)
{
    m_sweep = id;
    showSweeps();
}

void SweepPanel::showChart()
{
    const SweepRecord* sweep = chosenSweep();
    if (!sweep) {
        m_chart->setData({}, {}, {}, {});
        return;
    }
    SweepSpec spec;
    try {
        spec = sweepSpecFromJson(sweep->spec);
    } catch (const StudioError& e) {
        setStatus(QString::fromUtf8(e.what()), true);
        return;
    }
    QStringList fields;
    for (const auto& f : variedFields(spec))
        fields << QString::fromStdString(f);
    std::vector<ParallelRun> lines;
    for (const auto& r : m_sweepRuns) {
        ParallelRun line{r.id, tr("run %1 %2 (%3)").arg(r.id).arg(r.name, r.status), {}, sweepMetric(r, spec.metric)};
        const auto config = configToJson(r.config);
        for (const auto& f : fields)
            line.values.push_back(config[f]);
        lines.push_back(std::move(line));
    }
    m_chart->setData(
        tr("Sweep %1 \"%2\": %3 of %4 runs done").arg(sweep->id).arg(sweep->name).arg(sweep->done).arg(sweep->total),
        fields, spec.metric == "test_acc" ? tr("test accuracy") : tr("best val accuracy"), std::move(lines));
}

QString SweepPanel::startWorkers(int count)
{
    QString problem = m_sweep > 0 ? QString() : tr("Create or choose a sweep first.");
    if (problem.isEmpty())
        problem = m_workers->start(m_runs->folder(), m_sweep, count);
    setStatus(problem.isEmpty() ? tr("%1 workers started on sweep %2.").arg(count).arg(m_sweep) : problem,
              !problem.isEmpty());
    updateButtons();
    return problem;
}

void SweepPanel::stopWorkers()
{
    m_workers->stop();
    setStatus(tr("Stopping the workers after their current batch …"));
}

QString SweepPanel::cancelSweep()
{
    QString problem;
    if (auto* store = m_runs->store()) {
        try {
            const int cancelled = store->cancelSweep(m_sweep);
            setStatus(tr("Sweep %1 cancelled: %2 queued runs will not be trained.").arg(m_sweep).arg(cancelled));
        } catch (const StudioError& e) {
            problem = QString::fromUtf8(e.what());
        }
    } else {
        problem = m_runs->error();
    }
    if (!problem.isEmpty())
        setStatus(problem, true);
    m_runs->refresh(true);
    return problem;
}

std::optional<RunRecord> SweepPanel::bestRun() const
{
    const auto* s = chosenSweep();
    return s ? bestSweepRun(m_sweepRuns, s->spec["metric"].toString("val_acc").toStdString()) : std::nullopt;
}

const SweepRecord* SweepPanel::chosenSweep() const
{
    for (const auto& s : m_sweeps)
        if (s.id == m_sweep)
            return &s;
    return nullptr;
}

QString SweepPanel::analyzeBest()
{
    const auto best = bestRun();
    auto* store = m_runs->store();
    QString problem = best ? QString() : tr("No run of sweep %1 has finished yet.").arg(m_sweep);
    QString checkpoint;
    if (best && store) {
        checkpoint = store->runDir(best->id) + "/best.pt";
        if (!QFile::exists(checkpoint))
            checkpoint = store->runDir(best->id) + "/latest.pt";
        if (!QFile::exists(checkpoint))
            problem = tr("Run %1 has no checkpoint in %2.").arg(best->id).arg(store->runDir(best->id));
    }
    if (!problem.isEmpty()) {
        setStatus(problem, true);
        return problem;
    }
    Q_EMIT analyzeRequested(checkpoint);
    return {};
}

void SweepPanel::updateButtons()
{
    const bool chosen = m_sweep > 0;
    const bool active = chosenSweep() && chosenSweep()->status == "active";
    const bool working = m_workers->running() > 0;
    m_create->setEnabled(!m_creating);
    m_start->setEnabled(chosen && active && !working);
    m_stop->setEnabled(working);
    m_cancel->setEnabled(chosen && active);
    m_best->setEnabled(bestRun().has_value());
    m_compare->setEnabled(chosen && !m_sweepRuns.empty());
}

} // namespace studio::ui
