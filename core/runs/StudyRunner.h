#pragma once
#include "runs/Ablation.h"
#include "runs/RunLauncher.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>

namespace studio {

/// What a front end hears while a study runs (on the study's thread).
class StudyListener {
public:
    virtual ~StudyListener() = default;
    /// Variant `index` is about to train (or continue) as launcher.runId(); returns the observers
    /// of its events (progress output, a signal bridge).
    virtual std::vector<TrainingObserver*> launching(std::size_t index, RunLauncher& launcher) = 0;
    /// Variant `index` ended; `result` is null when an earlier attempt had already finished it.
    virtual void finished(std::size_t index, std::int64_t runId, const LaunchResult* result) = 0;
};

/// How a study ended.
struct StudyOutcome {
    bool completed = false;        ///< every variant ended well and was scored on the test split
    std::string message;           ///< how it ended, for the front end to show
    std::vector<AblationRow> rows; ///< the table when completed (variant order, differences against the first)
    std::size_t skipped = 0;       ///< variants an earlier attempt had finished
};

/// Runs a study — a built-in ablation, one field over values, one config over seeds — as a
/// sequence of RunLauncher runs filed under the study's name, each scored on the test split, and
/// tabulates it. Resumable: a variant whose run under this name (same config, same data) ended
/// well is not trained again, and one that was stopped or interrupted continues where it stopped.
/// `ablate` and the Runs page's Studies tab both use it. Lives on one thread (the store's); stop()
/// may be called from any.
class StudyRunner {
public:
    StudyRunner(RunStore& store, AblationStudy study, QString name, std::shared_ptr<const Dataset> data);

    /// Runs the variants not yet finished, in order; stops at the first that does not end well.
    StudyOutcome run(StudyListener& listener);
    /// Stops the variant in training after its current batch (resumable) and runs no more.
    void stop();

    const AblationStudy& study() const { return m_study; }
    const QString& name() const { return m_name; }

private:
    /// The run of `variant` an earlier attempt of this study left, or nullopt.
    std::optional<RunRecord> earlierRun(const AblationVariant& variant) const;

    RunStore& m_store;
    AblationStudy m_study;
    QString m_name;
    std::shared_ptr<const Dataset> m_data;
    std::atomic<bool> m_stop{false};
    std::mutex m_mutex;
    Trainer* m_training = nullptr; ///< the variant in training, under m_mutex
};

} // namespace studio
