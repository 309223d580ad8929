#pragma once
#include "runs/RunStore.h"

#include <QList>
#include <QObject>

#include <functional>
#include <memory>
#include <vector>

class QTimer;

namespace studio::ui {

/// A checkpoint of the run store a page can load.
struct CheckpointChoice {
    QString label; ///< "Run 3 · simple-cnn · best (val 99.10 %)"
    QString path;
    qint64 runId = 0;
    QString which; ///< "best" or "latest"
};

/// The window's one connection to the run store (UI thread), shared by the pages: the runs as
/// last read, the edits pages make (rename, tags, delete) and change signals — runsChanged for
/// its own writes and for commits of other connections (the training session's thread, a CLI run
/// beside the studio), noticed from SQLite's data_version every 2 s while a page watches, or at once
/// from a PostgreSQL store's notifications; the 2 s poll also marks runs whose process died as
/// interrupted. Pages keep no connection of their own.
class RunsService : public QObject {
    Q_OBJECT
public:
    explicit RunsService(const QString& folder, QObject* parent = nullptr);
    ~RunsService() override;

    /// Where the store is: a folder or a postgresql:// URL (with its password, if it has one: for
    /// connections and workers, not for showing).
    QString folder() const { return m_folder; }
    /// The store's location as shown to people (no password).
    QString location() const { return m_store ? m_store->location() : m_folder; }
    /// The folder holding the runs' folders (a server store's artifacts folder).
    QString runsFolder() const { return m_store ? m_store->folder() : m_folder; }
    /// Where run `id`'s folder is (its checkpoints and reports), on either backend.
    QString runDir(qint64 id) const;
    /// The connection (opened on first use); nullptr when the store cannot be opened (error()).
    RunStore* store();
    QString error() const { return m_error; }

    /// The runs as last read (refresh()), oldest first.
    const std::vector<RunRecord>& runs() const { return m_runs; }
    const RunRecord* run(qint64 id) const;
    /// What the Analyze and Draw pages can load: each run's best.pt, newest first, and the
    /// latest.pt of runs still training.
    QList<CheckpointChoice> checkpoints() const;

    /// Edits; each returns "" or the problem, and announces the change.
    QString rename(qint64 id, const QString& name);
    QString setTags(qint64 id, const QString& tags);
    QString deleteRuns(const std::vector<qint64>& ids);

    /// Re-reads the store when another connection committed since the last read, or always when
    /// `force`; runsChanged follows a re-read.
    void refresh(bool force = false);
    /// Follows other writers (the 2 s poll) while at least one watcher is on.
    void watch(bool on);

Q_SIGNALS:
    /// The list or a run changed: read runs() again.
    void runsChanged();
    /// Only run `id`'s name or tags changed (by this service).
    void runUpdated(qint64 id);
    void failed(const QString& message);

private:
    void poll();
    /// One edit of run `id`: `write` to the store, then `apply` to the runs as read.
    QString edit(qint64 id, const std::function<void(RunStore&)>& write, const std::function<void(RunRecord&)>& apply);

    QString m_folder;
    std::unique_ptr<RunStore> m_store;
    QString m_error;
    std::vector<RunRecord> m_runs;
    std::int64_t m_seenStamp = -1;
    int m_watchers = 0;
    QTimer* m_poll;
    QTimer* m_notified;
};

} // namespace studio::ui
