#include "RunsTableModel.h"

#include "ChartColors.h"
#include "RunsService.h"

#include <QColor>

namespace studio::ui {
namespace {

QString duration(double seconds)
{
    const auto s = qint64(std::llround(seconds));
    if (s < 60)
        return QObject::tr("%1 s").arg(s);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QChar('0'));
}

QString percent(double accuracy)
{
    return accuracy < 0 ? QStringLiteral("–") : QString::number(accuracy * 100, 'f', 2) + " %";
}

} // namespace

QString keyHyperparameters(const TrainConfig& c)
{
    // The rate the run peaks at: onecycle ignores learning_rate and rises to max_lr.
    const bool oneCycle = c.scheduler == SchedulerKind::OneCycle;
    QString text = QString::fromStdString(nameOf(c.optimizer)) + (oneCycle ? " · max lr " : " · lr ") +
                   QString::number(oneCycle ? c.maxLr : c.learningRate, 'g', 4) + " · batch " +
                   QString::number(c.batchSize) + " · " + QString::fromStdString(nameOf(c.scheduler));
    if (c.augment.enabled)
        text += " · aug";
    if (c.limitTrain > 0)
        text += " · " + QString::number(c.limitTrain) + " images";
    return text + " · seed " + QString::number(c.seed);
}

RunsTableModel::RunsTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RunsTableModel::setRuns(std::vector<RunRecord> runs, RunsService* service)
{
    beginResetModel();
    m_runs = std::move(runs);
    m_service = service;
    endResetModel();
}

const RunRecord* RunsTableModel::runAt(int row) const
{
    return row >= 0 && row < int(m_runs.size()) ? &m_runs[std::size_t(row)] : nullptr;
}

const RunRecord* RunsTableModel::runById(qint64 id) const
{
    for (const auto& r : m_runs)
        if (r.id == id)
            return &r;
    return nullptr;
}

int RunsTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunsTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : Columns;
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {
        "run",      "name", "tags",   "started",  "architecture", "dataset", "hyperparameters",
        "best val", "test", "epochs", "duration", "status"};
    return tr(names[section]);
}

QVariant RunsTableModel::data(const QModelIndex& index, int role) const
{
    const RunRecord* r = runAt(index.row());
    if (!r)
        return {};
    if (role == RunIdRole)
        return qlonglong(r->id);
    const int column = index.column();
    if (role == Qt::DisplayRole || role == Qt::EditRole) {
        switch (column) {
        case Id:
            return qlonglong(r->id);
        case Name:
            return r->name.isEmpty() && role == Qt::DisplayRole ? r->study : r->name;
        case Tags:
            return r->tags;
        case Started:
            return r->started.toLocalTime().toString("yyyy-MM-dd hh:mm");
        case Model:
            return r->model;
        case Dataset:
            return QString::fromStdString(r->data.name);
        case Hyperparameters:
            return keyHyperparameters(r->config);
        case BestVal:
            return r->epochsDone > 0 ? percent(r->bestValAccuracy) : QStringLiteral("–");
        case Test:
            return percent(r->testAccuracy);
        case Epochs:
            return tr("%1 / %2").arg(r->epochsDone).arg(r->config.numEpochs);
        case Duration:
            return duration(r->seconds);
        case Status:
            return r->status;
        default:
            return {};
        }
    }
    if (role == Qt::UserRole) { // sort keys
        switch (column) {
        case Id:
            return qlonglong(r->id);
        case Started:
            return r->started;
        case BestVal:
            return r->epochsDone > 0 ? r->bestValAccuracy : -1.0;
        case Test:
            return r->testAccuracy;
        case Epochs:
            return r->epochsDone;
        case Duration:
            return r->seconds;
        default:
            return data(index, Qt::DisplayRole).toString().toLower();
        }
    }
    if (role == Qt::TextAlignmentRole && (column == Id || (column >= BestVal && column <= Duration)))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && column == Status) {
        if (r->status == "diverged" || r->status == "error")
            return colors::error;
        if (r->status == "running")
            return colors::train;
    }
    if (role == Qt::ToolTipRole) {
        QString tip = tr("run %1 in %2")
                          .arg(r->id)
                          .arg(r->sweep > 0         ? tr("sweep %1").arg(r->sweep)
                               : r->study.isEmpty() ? tr("no study")
                                                    : r->study);
        if (!r->message.isEmpty())
            tip += "\n" + r->message;
        return tip + "\n" +
               tr("%L1 parameters, trained on %2").arg(r->parameters).arg(QString::fromStdString(r->data.describe()));
    }
    return {};
}

Qt::ItemFlags RunsTableModel::flags(const QModelIndex& index) const
{
    auto f = QAbstractTableModel::flags(index);
    if (index.column() == Name || index.column() == Tags)
        f |= Qt::ItemIsEditable;
    return f;
}

bool RunsTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !m_service || !runAt(index.row()) || (index.column() != Name && index.column() != Tags))
        return false;
    auto& r = m_runs[std::size_t(index.row())];
    const QString text = value.toString().trimmed();
    const QString problem = index.column() == Name ? m_service->rename(r.id, text) : m_service->setTags(r.id, text);
    if (!problem.isEmpty()) {
        Q_EMIT editFailed(problem);
        return false;
    }
    (index.column() == Name ? r.name : r.tags) = text;
    Q_EMIT dataChanged(index, index);
    return true;
}

RunsFilterModel::RunsFilterModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(Qt::UserRole);
}

void RunsFilterModel::setText(const QString& text)
{
    m_text = text.trimmed();
    invalidateFilter();
}

void RunsFilterModel::setStatus(const QString& status)
{
    m_status = status;
    invalidateFilter();
}

void RunsFilterModel::setDataset(const QString& key)
{
    m_dataset = key;
    invalidateFilter();
}

void RunsFilterModel::setRunIds(std::optional<std::set<qint64>> ids)
{
    m_ids = std::move(ids);
    invalidateFilter();
}

bool RunsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const
{
    const auto* model = static_cast<const RunsTableModel*>(sourceModel());
    const RunRecord* r = model->runAt(sourceRow);
    if (!r)
        return false;
    if (m_ids && !m_ids->count(r->id))
        return false;
    if (!m_status.isEmpty() && r->status != m_status)
        return false;
    if (!m_dataset.isEmpty() && QString::fromStdString(r->data.key()) != m_dataset)
        return false;
    if (m_text.isEmpty())
        return true;
    for (const QString& word : m_text.split(' ', Qt::SkipEmptyParts)) {
        const bool found = r->name.contains(word, Qt::CaseInsensitive) || r->tags.contains(word, Qt::CaseInsensitive) ||
                           r->model.contains(word, Qt::CaseInsensitive) ||
                           QString::fromStdString(r->data.name).contains(word, Qt::CaseInsensitive) ||
                           r->study.contains(word, Qt::CaseInsensitive) ||
                           r->status.contains(word, Qt::CaseInsensitive) || QString::number(r->id) == word ||
                           keyHyperparameters(r->config).contains(word, Qt::CaseInsensitive);
        if (!found)
            return false;
    }
    return true;
}

} // namespace studio::ui
