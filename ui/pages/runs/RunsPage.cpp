#include "RunsPage.h"

#include "util/PlainMessage.h"
#include "ArchitectureChart.h"
#include "DataSource.h"
#include "ReportJob.h"
#include "RunComparisonView.h"
#include "RunsService.h"
#include "RunsTableModel.h"
#include "SeedGroupsView.h"
#include "StudyPanel.h"
#include "StudyQueue.h"
#include "SweepPanel.h"
#include "SweepWorkers.h"
#include "TorchTasks.h"
#include "TrainingSession.h"

#include "runs/RunData.h"
#include "util/StudioError.h"

#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <map>
#include <set>

namespace studio::ui {
namespace {

struct ReportResult {
    ReportInput input;
    QString error;
};

} // namespace

RunsPage::RunsPage(TrainingSession* session, DataSource* data, RunsService* runs, QWidget* parent)
    : QWidget(parent), m_session(session), m_data(data), m_runs(runs), m_model(new RunsTableModel(this)),
      m_filter(new RunsFilterModel(this)), m_search(new QLineEdit(this)), m_status(new QComboBox(this)),
      m_datasets(new QComboBox(this)), m_resume(new QPushButton(tr("Resume"), this)),
      m_clone(new QPushButton(tr("Clone to Train"), this)), m_report(new QPushButton(tr("Report…"), this)),
      m_delete(new QPushButton(tr("Delete…"), this)), m_table(new QTableView(this)), m_tabs(new QTabWidget(this)),
      m_comparison(new RunComparisonView(this)), m_architectures(new ArchitectureChart(this)),
      m_seeds(new SeedGroupsView(this)), m_queue(new StudyQueue(session, data, this)),
      m_studies(new StudyPanel(m_queue, this)), m_sweepWorkers(new SweepWorkers(session->workerProgram(), this)),
      m_sweeps(new SweepPanel(runs, data, m_sweepWorkers, this)), m_message(new QLabel(this))
{
    m_search->setObjectName("runsFilter");
    m_search->setPlaceholderText(tr("Filter: name, tag, architecture, study, status, hyperparameter…"));
    m_search->setClearButtonEnabled(true);
    m_status->setObjectName("runsStatus");
    m_status->addItem(tr("any status"), QString());
    for (const char* s : {"queued", "running", "completed", "early-stopped", "stopped", "diverged", "interrupted",
                          "error", "cancelled"})
        m_status->addItem(s, QString(s));
    m_datasets->setObjectName("runsDataset");
    m_datasets->setToolTip(tr("Show the runs of one dataset (told apart by content, not by name)"));
    m_resume->setObjectName("resumeRun");
    m_resume->setToolTip(tr("Continue a stopped or interrupted run from its last checkpoint"));
    m_clone->setObjectName("cloneRun");
    m_clone->setToolTip(tr("Put this run's configuration on the Train page"));
    m_report->setObjectName("reportRun");
    m_report->setToolTip(tr("Evaluate on the test split and write the HTML report with its charts and CSV files"));
    m_delete->setObjectName("deleteRuns");
    m_message->setObjectName("runsMessage");

    m_filter->setSourceModel(m_model);
    m_table->setObjectName("runsTable");
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunsTableModel::Id, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAlternatingRowColors(true);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_search, 2);
    bar->addWidget(m_status);
    bar->addWidget(m_datasets);
    bar->addSpacing(12);
    bar->addWidget(m_resume);
    bar->addWidget(m_clone);
    bar->addWidget(m_report);
    bar->addWidget(m_delete);

    m_tabs->setObjectName("runsTabs");
    m_tabs->addTab(m_comparison, tr("Compare selected"));
    m_tabs->addTab(m_architectures, tr("Architectures"));
    m_tabs->addTab(m_seeds, tr("Seeds"));
    m_tabs->addTab(m_studies, tr("Studies"));
    m_tabs->addTab(m_sweeps, tr("Sweeps"));
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({230, 600});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_message);

    connect(m_search, &QLineEdit::textChanged, m_filter, &RunsFilterModel::setText);
    connect(m_status, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setStatus(m_status->currentData().toString()); });
    connect(m_datasets, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setDataset(m_datasets->currentData().toString()); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &RunsPage::onSelectionChanged);
    connect(m_model, &RunsTableModel::editFailed, this, [this](const QString& m) { setStatus(m, true); });
    connect(m_resume, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRuns();
        if (ids.size() == 1)
            Q_EMIT resumeRequested(ids.front());
    });
    connect(m_clone, &QPushButton::clicked, this, [this] {
        const auto ids = selectedRuns();
        if (const auto* run = ids.size() == 1 ? m_model->runById(ids.front()) : nullptr)
            Q_EMIT cloneRequested(run->config);
    });
    connect(m_report, &QPushButton::clicked, this, &RunsPage::chooseReportFolder);
    connect(m_sweeps, &SweepPanel::filterRuns, this, [this](const std::optional<std::set<qint64>>& ids) {
        if (!ids && !m_filter->hasRunIds())
            return;
        m_filter->setRunIds(ids);
        setStatus(ids ? tr("Showing the %1 runs inside the sweep chart's brushes (Clear brushes shows every run).")
                            .arg(ids->size())
                      : tr("%L1 runs in %2").arg(m_model->rowCount()).arg(m_runs->location()));
    });
    connect(m_sweeps, &SweepPanel::analyzeRequested, this, &RunsPage::analyzeRequested);
    connect(m_sweeps, &SweepPanel::compareRequested, this,
            [this](const std::vector<qint64>& ids, const QString& field) {
                m_tabs->setCurrentWidget(m_comparison); // shown first: charts lay out their axes as they fill
                selectRuns(ids);
                m_comparison->setColorField(field);
            });
    connect(m_delete, &QPushButton::clicked, this, &RunsPage::confirmDelete);
    connect(m_runs, &RunsService::runsChanged, this, &RunsPage::showRuns);
    connect(m_runs, &RunsService::failed, this, [this](const QString& message) { setStatus(message, true); });
    connect(m_table->itemDelegate(), &QAbstractItemDelegate::closeEditor, this, [this] {
        if (m_showPending)
            QTimer::singleShot(0, this, &RunsPage::showRuns); // after the edit is written
    });
    // The table follows training: new runs, finished epochs, ends (the session writes on its own connection).
    connect(m_session, &TrainingSession::runStarted, m_runs, [this] { m_runs->refresh(); });
    connect(m_session, &TrainingSession::epochDone, m_runs, [this] {
        if (isVisible())
            m_runs->refresh();
    });
    connect(m_session, &TrainingSession::runFinished, m_runs, [this] { m_runs->refresh(); });
    connect(m_session, &TrainingSession::stateChanged, this, &RunsPage::updateButtons);
    connect(m_queue, &StudyQueue::finished, m_runs, [this] { m_runs->refresh(); });
    updateButtons();
}

RunsPage::~RunsPage() = default;

void RunsPage::setBaseConfig(std::function<TrainConfig()> base)
{
    m_studies->setBaseConfig(base);
    m_sweeps->setBaseConfig(std::move(base));
}

void RunsPage::showEvent(QShowEvent* event)
{
    refresh();
    m_runs->watch(true);
    QWidget::showEvent(event);
}

void RunsPage::hideEvent(QHideEvent* event)
{
    m_runs->watch(false);
    QWidget::hideEvent(event);
}

void RunsPage::refresh()
{
    m_runs->refresh(true);
}

void RunsPage::showRuns()
{
    const QWidget* focus = QApplication::focusWidget();
    m_showPending = focus && focus != m_table->viewport() && m_table->viewport()->isAncestorOf(focus);
    if (m_showPending)
        return; // a cell is being edited: resetting the table would close its editor
    const auto selected = selectedRuns();
    m_model->setRuns(m_runs->runs(), m_runs);
    listDatasets();
    m_table->resizeColumnsToContents();
    m_architectures->setRuns(m_model->runs());
    m_seeds->setRuns(m_model->runs());
    m_sweeps->showSweeps();
    selectRuns(selected);
    if ((m_message->text().isEmpty() || !m_message->property("error").toBool()) && !m_filter->hasRunIds())
        setStatus(m_model->rowCount() == 0 ? tr("No runs yet: train one on the Train page.")
                                           : tr("%L1 runs in %2").arg(m_model->rowCount()).arg(m_runs->location()));
}

void RunsPage::listDatasets()
{
    std::map<std::string, const DatasetInfo*> byKey; // one entry per dataset, in key order
    std::map<std::string, int> sharedNames;
    for (const auto& r : m_model->runs())
        if (byKey.emplace(r.data.key(), &r.data).second)
            ++sharedNames[r.data.name];
    const QString current = m_datasets->currentData().toString();
    const QSignalBlocker quiet(m_datasets);
    m_datasets->clear();
    m_datasets->addItem(tr("any dataset"), QString());
    for (const auto& [key, data] : byKey) {
        QString label = QString::fromStdString(data->name);
        if (sharedNames[data->name] > 1) // two datasets shown under one name: the fingerprint tells them apart
            label += " · " +
                     (data->fingerprint.empty() ? tr("unchecked") : QString::fromStdString(data->shortFingerprint()));
        m_datasets->addItem(label, QString::fromStdString(key));
    }
    const int index = m_datasets->findData(current);
    m_datasets->setCurrentIndex(std::max(0, index));
    if (index < 0 && !current.isEmpty())
        m_filter->setDataset({});
}

void RunsPage::selectRuns(const std::vector<qint64>& ids)
{
    const std::set<qint64> wanted(ids.begin(), ids.end());
    QItemSelection selection;
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, 0);
        if (wanted.count(m_filter->data(index, RunsTableModel::RunIdRole).toLongLong()))
            selection.select(index, m_filter->index(row, RunsTableModel::Columns - 1));
    }
    {
        const QSignalBlocker once(m_table->selectionModel()); // compare once, below
        m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
    }
    m_table->viewport()->update();
    onSelectionChanged();
}

std::vector<qint64> RunsPage::selectedRuns() const
{
    std::vector<qint64> ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        ids.push_back(m_filter->data(index, RunsTableModel::RunIdRole).toLongLong());
    std::sort(ids.begin(), ids.end());
    return ids;
}

void RunsPage::onSelectionChanged()
{
    if (auto* store = m_runs->store())
        m_comparison->showRuns(*store, selectedRuns());
    updateButtons();
}

void RunsPage::updateButtons()
{
    const auto ids = selectedRuns();
    const RunRecord* one = ids.size() == 1 ? m_model->runById(ids.front()) : nullptr;
    m_resume->setEnabled(one && one->resumable() && !m_session->isActive());
    m_clone->setEnabled(one != nullptr);
    m_report->setEnabled(one && one->epochsDone > 0 && !m_reporting);
    const bool anyRunning = std::any_of(ids.begin(), ids.end(), [this](qint64 id) {
        const auto* r = m_model->runById(id);
        return r && r->status == "running";
    });
    m_delete->setEnabled(!ids.empty() && !anyRunning);
}

void RunsPage::setStatus(const QString& text, bool error)
{
    m_message->setText(text);
    m_message->setProperty("error", error);
    m_message->setStyleSheet(error ? "color: #c62828;" : QString());
}

QString RunsPage::statusText() const
{
    return m_message->text();
}

QString RunsPage::deleteRuns(const std::vector<qint64>& ids)
{
    for (const qint64 id : ids) {
        const auto* r = m_model->runById(id);
        if (r && r->status == "running")
            return tr("Run %1 is training: stop it before deleting it.").arg(id);
    }
    if (const QString problem = m_runs->deleteRuns(ids); !problem.isEmpty()) {
        setStatus(problem, true);
        return problem;
    }
    setStatus(ids.size() == 1 ? tr("Deleted run %1.").arg(ids.front()) : tr("Deleted %1 runs.").arg(ids.size()));
    return {};
}

void RunsPage::confirmDelete()
{
    const auto ids = selectedRuns();
    if (ids.empty())
        return;
    QStringList names;
    for (const qint64 id : ids)
        names << QString::number(id);
    const auto answer = QMessageBox::question(
        this, tr("Delete runs"),
        tr("Delete run(s) %1? Their records and their folders (checkpoints, reports) are removed for good.")
            .arg(names.join(", ")),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        deleteRuns(ids);
}

void RunsPage::chooseReportFolder()
{
    const auto ids = selectedRuns();
    if (ids.size() != 1)
        return;
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Folder for the report"), m_runs->runDir(ids.front()));
    if (!folder.isEmpty())
        exportReport(ids.front(), folder);
}

void RunsPage::exportReport(qint64 runId, const QString& folder)
{
    auto* store = m_runs->store();
    if (!store) {
        Q_EMIT reportFinished(folder, m_runs->error());
        return;
    }
    const auto* run = m_model->runById(runId);
    if (!run) {
        Q_EMIT reportFinished(folder, tr("There is no run %1.").arg(runId));
        return;
    }
    m_reporting = true;
    updateButtons();
    setStatus(tr("Evaluating run %1 on the test split for its report …").arg(runId));
    const QString checkpoint = store->checkpoint(runId);
    const qint64 limitTest = run->config.limitTest;
    auto* watcher = new QFutureWatcher<ReportResult>(this);
    connect(watcher, &QFutureWatcher<ReportResult>::finished, this, [this, watcher, runId, folder] {
        watcher->deleteLater();
        auto result = watcher->result();
        m_reporting = false;
        if (result.error.isEmpty()) {
            try {
                if (auto* store = m_runs->store())
                    writeRunReport(*store, runId, std::move(result.input), folder);
            } catch (const StudioError& e) {
                result.error = QString::fromUtf8(e.what());
            }
        }
        refresh();
        setStatus(result.error.isEmpty() ? tr("Report of run %1 written to %2/report.html").arg(runId).arg(folder)
                                         : result.error,
                  !result.error.isEmpty());
        updateButtons();
        Q_EMIT reportFinished(folder, result.error);
    });
    watcher->setFuture(
        runTorchTask([checkpoint, runs = m_runs->folder(), runId, search = m_data->runDataSearch(), limitTest] {
            ReportResult r;
            try {
                RunStore store(runs); // this thread's own connection
                r.input = evaluateForReport(checkpoint, *runDataset(store, runId, search), limitTest);
            } catch (const std::exception& e) {
                r.error = QString::fromStdString(plainMessage(e));
            }
            return r;
        }));
}

} // namespace studio::ui
