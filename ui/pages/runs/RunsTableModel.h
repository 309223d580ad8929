#pragma once
#include "runs/RunStore.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>

#include <optional>
#include <set>

#include <vector>

namespace studio::ui {

class RunsService;

/// The run store's runs as a table: name, tags, started, architecture, dataset, key hyperparameters, best
/// validation and test accuracy, epochs, duration, status. Name and tags are edited in place
/// (written to the store). Qt::UserRole gives each cell's sort key.
class RunsTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Id,
        Name,
        Tags,
        Started,
        Model,
        Dataset,
        Hyperparameters,
        BestVal,
        Test,
        Epochs,
        Duration,
        Status,
        Columns
    };
    static constexpr int RunIdRole = Qt::UserRole + 1;

    explicit RunsTableModel(QObject* parent = nullptr);

    /// Shows `runs`; edits of names and tags go through `service`.
    void setRuns(std::vector<RunRecord> runs, RunsService* service);
    const RunRecord* runAt(int row) const;
    const RunRecord* runById(qint64 id) const;
    const std::vector<RunRecord>& runs() const { return m_runs; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role) override;

Q_SIGNALS:
    /// An edit could not be written.
    void editFailed(const QString& message);

private:
    std::vector<RunRecord> m_runs;
    RunsService* m_service = nullptr;
};

/// Sorts by the model's sort keys and filters by free text (name, tags, architecture, dataset,
/// study, status, hyperparameters), by status and by dataset.
class RunsFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    explicit RunsFilterModel(QObject* parent = nullptr);
    void setText(const QString& text);
    /// "" for any status.
    void setStatus(const QString& status);
    /// A DatasetInfo::key(); "" for any dataset.
    void setDataset(const QString& key);
    /// Only these runs (a sweep's runs brushed on its chart); nullopt for any.
    void setRunIds(std::optional<std::set<qint64>> ids);
    bool hasRunIds() const { return m_ids.has_value(); }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    QString m_status;
    QString m_dataset;
    std::optional<std::set<qint64>> m_ids;
};

/// "adamw · lr 0.001 · batch 64 · cosine · aug · 6000 images · seed 42" for the runs table.
QString keyHyperparameters(const TrainConfig& config);

} // namespace studio::ui
