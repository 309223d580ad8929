#pragma once
#include <cstdint>
#include <string>

namespace studio {

/// Why a run ended.
enum class FinishReason { Completed, EarlyStopped, StoppedByUser, Diverged, Error };
/// The one word for it, as the run store records it and every front end shows it: "completed",
/// "early-stopped", "stopped", "diverged", "error".
std::string nameOf(FinishReason reason);
/// Completed or early-stopped: the run has its final weights (a study goes on, the CLI exits 0).
bool endedWell(FinishReason reason);

struct BatchEvent {
    std::int64_t step = 0;  ///< global, 0-based
    int epoch = 1;          ///< 1-based
    std::int64_t batch = 0; ///< 0-based within the epoch
    std::int64_t batchesPerEpoch = 0;
    double loss = 0.0;
    double accuracy = 0.0; ///< of this batch, [0,1]
    double lr = 0.0;
    double imagesPerSecond = 0.0; ///< recent throughput
};

struct EpochEvent {
    int epoch = 1; ///< 1-based
    int numEpochs = 1;
    double trainLoss = 0.0, trainAccuracy = 0.0;
    double valLoss = 0.0, valAccuracy = 0.0; ///< NaN without a validation split
    double lr = 0.0;                         ///< at the epoch's last step
    double seconds = 0.0;                    ///< wall time of this epoch
    bool isBest = false;
    std::int64_t step = 0; ///< global steps after this epoch
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
    virtual void onBatch(const BatchEvent&) {}
    virtual void onEpoch(const EpochEvent&) {}
    virtual void onCheckpoint(const CheckpointEvent&) {}
    virtual void onFinished(const FinishedEvent&) {}
};

} // namespace studio
