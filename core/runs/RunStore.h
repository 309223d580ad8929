#pragma once
#include "data/DatasetInfo.h"
#include "training/TrainConfig.h"
#include "training/TrainingEvents.h"

#include <QDateTime>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariantList>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace studio {

/// A run as the store records it.
struct RunRecord {
    std::int64_t id = 0;
    QString name;
    QString tags;
    QString model;
    QString status;         ///< queued, running, completed, early-stopped, stopped, diverged, interrupted, error,
                            ///< cancelled (a sweep's queued run that will not be trained)
    QString message;        ///< why it ended
    DatasetInfo data;       ///< what it was trained on (runs from before dataset records: the name only)
    QJsonObject versions;   ///< {"mnist_studio": …, "libtorch": …} that made it ({} for older runs)
    QJsonObject world;      ///< {"world_size": W, "hosts": […]} of a data-parallel run ({}: one process)
    QString study;          ///< ablation study it belongs to ("" for none)
    std::int64_t sweep = 0; ///< sweep it belongs to (0 for none)
    QDateTime heartbeat;    ///< the holder's last sign of life (the epoch for runs from before heartbeats)
    TrainConfig config;
    QDateTime started;
    QDateTime ended;
    int epochsDone = 0;
    int bestEpoch = 0;
    double bestValAccuracy = 0.0;
    double bestValLoss = 0.0;
    double testAccuracy = -1.0; ///< -1 until evaluated
    double testLoss = -1.0;
    std::int64_t parameters = 0;
    double seconds = 0.0; ///< training wall time
    std::int64_t pid = 0; ///< the process that trains (trained) it, on `host`
    QString host;
    bool resumable() const { return status == "stopped" || status == "interrupted" || status == "error"; }
};

/// A sweep as the store records it, with its runs counted by state.
struct SweepRecord {
    std::int64_t id = 0;
    QString name;
    QString status;   ///< active, finished (no run left to train), cancelled
    QJsonObject spec; ///< SweepSpec as JSON (sweepSpecFromJson)
    QDateTime created;
    int queued = 0, running = 0, done = 0, failed = 0, waiting = 0, cancelled = 0, total = 0;
};

/// The record of every run: a SQLite database (WAL) `runs.sqlite` in the runs folder, or a
/// PostgreSQL database for several machines (location "postgresql://user@host:port/dbname", the
/// runs' folders then in a folder of the store's own under $MNIST_STUDIO_ARTIFACTS), with each run's checkpoints in a
/// `run-<id>` subfolder. Both backends have the same tables and answer the same calls. Each instance owns one
/// connection: use it on the thread that created it. Opening brings a store of an earlier version up to date (schema
/// version in PRAGMA user_version) and marks runs whose process is gone as interrupted. Other processes may write to
/// the same store at the same time (a CLI run beside the studio): changeStamp() and markInterruptedRuns() let a viewer
/// follow them.
class RunStore {
public:
    /// Opens (creating or bringing up to date) the store at `location`: a folder, or a
    /// postgresql:// URL (password from the URL, $PGPASSWORD or ~/.pgpass). Throws StudioError with
    /// one sentence naming the location and what the server or SQLite said.
    explicit RunStore(const QString& location);
    ~RunStore();
    RunStore(const RunStore&) = delete;
    RunStore& operator=(const RunStore&) = delete;

    /// --runs DIR|URL > $MNIST_STUDIO_RUNS > $XDG_DATA_HOME/mnist-studio/runs.
    static QString defaultFolder(const QString& flagValue = {});
    /// True for a postgresql:// location.
    static bool isServerLocation(const QString& location);

    /// Where the runs' folders are (the runs folder, or the artifacts folder of a server store).
    QString folder() const { return m_folder; }
    /// What to tell people: the folder, or the server URL without its password.
    QString location() const { return m_location; }
    bool onServer() const { return m_server; }
    /// Why the store could only be opened for reading (a full disk, a read-only folder), or "": its
    /// runs can be listed and shown, every write throws StudioError saying so.
    QString readOnlyReason() const { return m_readOnly; }
    QString runDir(std::int64_t id) const;
    /// The run's "best" or "latest" checkpoint file (best falls back to latest when the run has
    /// no best yet); throws StudioError for another `which`.
    QString checkpoint(std::int64_t id, const QString& which = "best") const;

    /// A new run in state "running" owned by this process, trained on `data`; creates its folder
    /// with config.json (the config plus "dataset" and "versions" records).
    std::int64_t createRun(const TrainConfig& config, const DatasetInfo& data, std::int64_t parameters,
                           const QString& study = {});
    /// Records the data a run was trained on (fills in a run from before dataset records once its
    /// data is found), in the store and the run's config.json.
    void setRunData(std::int64_t id, const DatasetInfo& data);
    /// Records the processes that train a data-parallel run (worldRecord), in the store and config.json.
    void setRunWorld(std::int64_t id, const QJsonObject& world);
    std::optional<RunRecord> run(std::int64_t id) const;
    std::vector<RunRecord> runs() const;
    std::vector<EpochRecord> epochs(std::int64_t id) const;
    std::vector<BatchRecord> batches(std::int64_t id) const;
    /// Optimisation steps whose batch records are committed (the last recorded step + 1).
    std::int64_t recordedSteps(std::int64_t id) const;

    /// One transaction: the epoch row, the batches since the last commit and the run's summary.
    void recordEpoch(std::int64_t id, const EpochRecord& epoch, const std::vector<BatchRecord>& batches, int bestEpoch,
                     double bestValAccuracy, double bestValLoss, double seconds);
    void recordBatches(std::int64_t id, const std::vector<BatchRecord>& batches);
    void finishRun(std::int64_t id, const QString& status, const QString& message, double seconds);
    /// Back to "running", owned by this process: a claim, refused (StudioError, heldBy) when the
    /// run is "running" already — a live process holds it (dead ones are marked interrupted on open).
    void markResumed(std::int64_t id);
    /// "Run N is being trained by process P on HOST: …".
    std::string heldBy(std::int64_t id) const;
    void setTestResult(std::int64_t id, double accuracy, double loss, const QJsonObject& metrics);
    void rename(std::int64_t id, const QString& name);
    void setTags(std::int64_t id, const QString& tags);
    /// Removes the rows and the run's folder.
    void deleteRun(std::int64_t id);

    /// A sweep and its queued runs, in one transaction: `names[i]`-named runs of `configs[i]` (with
    /// `parameters[i]`) on `data`, in state "queued" with their folders and config.json.
    std::int64_t createSweep(const QString& name, const QJsonObject& spec, const std::vector<TrainConfig>& configs,
                             const std::vector<std::int64_t>& parameters, const DatasetInfo& data);
    std::vector<SweepRecord> sweeps() const;
    std::optional<SweepRecord> sweep(std::int64_t id) const;
    std::vector<RunRecord> sweepRuns(std::int64_t id) const;
    /// No more runs of the sweep are claimed; its queued runs become "cancelled" (how many returned).
    /// Runs being trained go on to their end.
    int cancelSweep(std::int64_t id);
    /// Claims the next run of an active sweep (`sweep`, or any with 0) for this process in one
    /// statement: interrupted and stopped runs first (they continue), then queued ones in order.
    /// Two processes never claim the same run. Returns 0 when none is left.
    std::int64_t claimSweepRun(std::int64_t sweep);
    /// Tells the store this process still holds run `id` (RunRecorder calls it every few seconds).
    void heartbeat(std::int64_t id);
    /// Seconds without a heartbeat after which a run held on another host is taken as abandoned
    /// ($MNIST_STUDIO_HEARTBEAT_TIMEOUT, default 60).
    static int heartbeatTimeout();

    /// A server store whose connection broke (the server restarted, the network dropped): connects
    /// again. True when connected. A SQLite store has nothing to reconnect: false.
    bool reconnect();
    /// Seconds a run's recorder keeps retrying a server store that cannot be reached before the run
    /// fails ($MNIST_STUDIO_STORE_RETRY, default 300).
    static int retrySeconds();

    /// A number that changes whenever another connection (another RunStore, another process)
    /// commits to the database; this connection's own writes leave it as it is.
    std::int64_t changeStamp() const;
    /// On a server store, calls `changed` (on this connection's thread, from its event loop, while
    /// `context` lives) whenever another connection commits: viewers follow LISTEN/NOTIFY instead
    /// of polling. Does nothing on SQLite, whose viewers poll changeStamp().
    void notifyChanges(QObject* context, std::function<void()> changed);
    /// Settles "running" runs whose process is gone (on another host: whose heartbeat is older than
    /// heartbeatTimeout()): their checkpoints
    /// brought in line with their records (settleCheckpoints), then marked interrupted — or
    /// completed / early-stopped when their records say so; returns how many it marked.
    int markInterruptedRuns();

private:
    /// This machine's name, as runs record their host.
    static QString localHost();
    /// Creates the tables and adds what later schema versions added to a store written by an earlier one.
    void migrate();
    /// A server store's folder under the artifacts folder, "<database>-<8 hex>" ("" for a store that
    /// had runs before it was named), recorded in its `artifacts` table on first use.
    QString artifactsFolder();
    std::int64_t insertRun(const TrainConfig& config, const DatasetInfo& data, std::int64_t parameters,
                           const QString& study, std::int64_t sweep, const QString& status);
    void openReadOnly(const QString& file, const std::string& error);
    /// The runs matching an SQL condition, oldest first.
    std::vector<RunRecord> runsWhere(const QString& condition, const QVariantList& binds) const;
    /// Connects to a PostgreSQL server store and subscribes to its change notifications.
    void openServer(const QString& url);
    std::int64_t notificationsReceived() const;
    void subscribe();
    /// config.json: the config plus "dataset", "versions" and, for a data-parallel run, "world".
    void writeRunConfig(const RunRecord& run) const;
    /// The batch rows, inside the caller's transaction.
    void insertBatches(std::int64_t id, const std::vector<BatchRecord>& batches);
    /// Prepares, binds and runs one statement; throws StudioError with SQLite's message.
    QSqlQuery query(const QString& sql, const QVariantList& binds = {}) const;

    QString m_folder;
    QString m_location;
    bool m_server = false;
    std::shared_ptr<std::atomic<std::int64_t>> m_notifications = std::make_shared<std::atomic<std::int64_t>>(0);
    QString m_connection;
    QString m_readOnly;
};

} // namespace studio
