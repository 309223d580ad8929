#pragma once
#include "training/Trainer.h"

#include <QString>

#include <cstdint>
#include <functional>
#include <vector>

namespace studio::test {

/// Records a trainer's events and can act on them (stop or pause at a batch or an epoch).
struct Recorder : TrainingObserver {
    std::vector<BatchRecord> batches;
    std::vector<EpochRecord> epochs;
    std::vector<CheckpointEvent> checkpoints;
    FinishedEvent finished;
    std::function<void(const BatchRecord&)> onBatchHook;
    std::function<void(const EpochRecord&)> onEpochHook;
    void onBatch(const BatchRecord& e) override
    {
        batches.push_back(e);
        if (onBatchHook)
            onBatchHook(e);
    }
    void onEpoch(const EpochRecord& e) override
    {
        epochs.push_back(e);
        if (onEpochHook)
            onEpochHook(e);
    }
    void onCheckpoint(const CheckpointEvent& e) override { checkpoints.push_back(e); }
    void onFinished(const FinishedEvent& e) override { finished = e; }
};

/// Stops `trainer` when epoch `epoch` (1-based) ends: a user's Stop at a known place.
struct StopAtEpoch : TrainingObserver {
    Trainer* trainer = nullptr;
    int epoch = 1;
    void onEpoch(const EpochRecord& e) override
    {
        if (e.epoch == epoch)
            trainer->stop();
    }
};

/// Every parameter and buffer of `a` equals (bit for bit) the one of the same name in `b`.
bool sameWeights(torch::nn::Module& a, torch::nn::Module& b);

/// Trains `arch` for `epochs` on `data` (batch 32, one thread) into `folder`; the best checkpoint's
/// path. Fails the calling test (and returns "") when the run does not complete.
QString trainCheckpoint(const std::string& arch, const Dataset& data, const QString& folder, int epochs = 1);

/// A tiny-v1 run (batch 32, one thread) of the dataset in `dataFolder`, trained in this process and
/// recorded in the store at `runs` as the front ends record one; with `stopAfterEpoch` > 0 it is
/// stopped (resumable) after that epoch. Returns the run's id.
std::int64_t trainRecordedRun(const QString& runs, const QString& dataFolder, int epochs, int stopAfterEpoch = 0);

} // namespace studio::test
