#pragma once
#include "data/DatasetInfo.h"
#include "models/Classifier.h"
#include "training/EarlyStopping.h"
#include "training/TrainConfig.h"

#include <torch/optim/optimizer.h>

#include <QString>

namespace studio {

/// Where training stands. Randomness is a pure function of (seed, epoch, batch) — shuffling,
/// augmentation and dropout are reseeded from it — so this position is the whole RNG state.
struct TrainingPosition {
    int epoch = 0;               ///< 0-based epoch being trained (== epochs completed at a boundary)
    std::int64_t batch = 0;      ///< next batch within `epoch` (0 at an epoch boundary)
    std::int64_t step = 0;       ///< global optimisation steps taken
    double partialLossSum = 0.0; ///< running sums of the unfinished epoch
    std::int64_t partialCorrect = 0;
    std::int64_t partialSeen = 0;
    double elapsedSeconds = 0.0; ///< training wall time so far
    EarlyStopping::State early;
};

/// Everything a checkpoint says besides tensors.
struct CheckpointMeta {
    TrainConfig config;
    TrainingPosition position;
    /// The data the model was trained on: its normalisation (mean, std) and class names are how the
    /// model reads inputs and names outputs. Checkpoints written before fingerprints (format 1)
    /// have name and statistics only.
    DatasetInfo data;
    QJsonObject versions;     ///< {"mnist_studio": …, "libtorch": …} of the process that wrote it (set on save)
    double valAccuracy = 0.0; ///< of the epoch it was written after (NaN mid-epoch)
    double valLoss = 0.0;
};

/// Writes model (+ optimizer when given) and meta atomically: a crash or full disk leaves the
/// previous file intact. Throws StudioError naming the file. `model` is the model the checkpoint
/// offers (evaluation, export, drawing); a run that averages its weights (ema_decay) offers the
/// average and keeps the weights the optimizer trains as `trainingWeights`, for resuming.
void saveCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                    const CheckpointMeta& meta, torch::nn::Module* trainingWeights = nullptr);

/// A checkpoint is written beside the one in use ("latest.pt.pending"), the records of what it
/// covers are committed, then it is moved into place: after a kill at any instant the run's store
/// and its checkpoints can be brought to agree (runs/RunRecovery).
QString stagedPath(const QString& path);
/// saveCheckpoint to stagedPath(path); the error names `path`.
void stageCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                     const CheckpointMeta& meta, torch::nn::Module* trainingWeights = nullptr);
/// Moves stagedPath(path) onto `path` (one rename that replaces it, made durable); does nothing
/// when there is no staged file. Throws StudioError when the rename fails.
void commitStaged(const QString& path);

/// Reads only the meta of a checkpoint. Throws StudioError for a missing, corrupt or foreign file.
CheckpointMeta readCheckpointMeta(const QString& path);

/// Loads weights (and optimizer state when given) into an already built model of the checkpoint's
/// architecture. Throws StudioError naming the file when it is corrupt or holds another architecture.
/// `trainingWeights`, when given, receives the weights the optimizer trains: the checkpoint's
/// training weights when it keeps them apart (saveCheckpoint), otherwise its model.
CheckpointMeta loadCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                              torch::nn::Module* trainingWeights = nullptr);

/// Builds the checkpoint's architecture and loads its weights (eval mode).
struct LoadedModel {
    Classifier model;
    CheckpointMeta meta;
};
LoadedModel loadModelFromCheckpoint(const QString& path);

} // namespace studio
