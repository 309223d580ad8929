#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace studio {

/// Why a run ended.
/// Interrupted: a data-parallel run lost one of its processes; its last checkpoint resumes it.
enum class FinishReason { Completed, EarlyStopped, StoppedByUser, Diverged, Error, Interrupted };
/// The one word for it, as the run store records it and every front end shows it: "completed",
/// "early-stopped", "stopped", "diverged", "error", "interrupted" (also what the store calls a
/// run whose process vanished).
std::string nameOf(FinishReason reason);
/// Completed or early-stopped: the run has its final weights (a study goes on, the CLI exits 0).
bool endedWell(FinishReason reason);

/// One optimisation step: what the trainer reports, the run store keeps and the charts draw. The
/// store keeps the first six fields; a run's history read back from it derives the rest.
struct BatchRecord {
    std::int64_t step = 0; ///< global, 0-based
    int epoch = 1;         ///< 1-based
    double loss = 0.0;
    double accuracy = 0.0; ///< of this batch, [0,1]
    double lr = 0.0;
    double imagesPerSecond = 0.0; ///< recent throughput
    std::int64_t batch = 0;       ///< 0-based within the epoch
    std::int64_t batchesPerEpoch = 0;
    double runSeconds = 0.0; ///< training time of the run after this step, all its sessions together
};

/// One finished epoch: what the trainer reports, the run store keeps and the charts draw. The
/// store keeps the first seven fields and the validation figures after isBest; a run's history read
/// back from it derives the rest.
struct EpochRecord {
    int epoch = 1; ///< 1-based
    double trainLoss = 0.0, trainAccuracy = 0.0;
    double valLoss = 0.0, valAccuracy = 0.0; ///< NaN without a validation split
    double lr = 0.0;                         ///< at the epoch's last step
    double seconds = 0.0;                    ///< training time of this epoch
    double runSeconds = 0.0;                 ///< training time of the run after this epoch, all sessions
    int numEpochs = 1;
    std::int64_t step = 0; ///< global steps after this epoch
    bool isBest = false;   ///< the best validation so far (the run's best epoch, read back)
    /// The weight average's validation (ema_decay > 0; NaN otherwise). When there is one, it is what
    /// picks the best epoch and what the run's checkpoints hold.
    double emaValLoss = std::nan(""), emaValAccuracy = std::nan("");
    /// Per class, the validation accuracy of the model the run keeps (empty without validation).
    std::vector<double> valClassAccuracy{};

    /// Validation of the model the run keeps: the weight average's when there is one.
    double keptValLoss() const { return std::isnan(emaValLoss) ? valLoss : emaValLoss; }
    double keptValAccuracy() const { return std::isnan(emaValAccuracy) ? valAccuracy : emaValAccuracy; }
    /// The class of the lowest valClassAccuracy (the first on ties, NaN skipped); -1 when none.
    int weakestClass() const;
};

struct CheckpointEvent {
    std::string path;
    std::string kind; ///< "latest" or "best"
    int epoch = 0;
};

struct FinishedEvent {
    FinishReason reason = FinishReason::Completed;
    std::string message; ///< one line saying what happened
    int epochsCompleted = 0;
    int bestEpoch = 0;
    double bestValAccuracy = 0.0;
    double bestValLoss = 0.0;
    double seconds = 0.0;
};

/// Receives a trainer's events on the training thread, in order.
class TrainingObserver {
public:
    virtual ~TrainingObserver() = default;
    virtual void onBatch(const BatchRecord&) {}
    virtual void onEpoch(const EpochRecord&) {}
    virtual void onCheckpoint(const CheckpointEvent&) {}
    virtual void onFinished(const FinishedEvent&) {}
    /// Every few seconds while the run is paused (on the training thread).
    virtual void onPaused() {}
    /// True while this observer holds records it could not commit yet (a run store that is out of
    /// reach): the trainer then keeps the epoch's checkpoints staged, so that checkpoints never get
    /// ahead of the records; they are moved into place at the first epoch end after the records are.
    virtual bool holdsCheckpoints() const { return false; }
};

} // namespace studio
