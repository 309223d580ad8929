#pragma once
#include "data/BatchStream.h"
#include "data/Dataset.h"
#include "distributed/World.h"
#include "models/Classifier.h"
#include "models/ScoredSet.h"
#include "training/TrainConfig.h"

#include <torch/nn/module.h>

#include <QString>

class QTemporaryFile;

namespace studio {

/// The data-parallel pieces of a training step, over a World (like PyTorch's
/// DistributedDataParallel: replicas start equal, gradients are averaged after every backward,
/// BatchNorm buffers follow rank 0's).

/// Rank 0's parameters and buffers into every replica.
void shareModelState(World& world, torch::nn::Module& model);
/// Rank 0's buffers (BatchNorm running statistics) into every replica; nothing without buffers.
void shareBuffers(World& world, torch::nn::Module& model);

/// What the ranks' shards of one global batch add up to.
struct StepTotals {
    double lossSum = 0.0;     ///< cross-entropy summed over the global batch
    std::int64_t correct = 0; ///< right predictions in the global batch
    bool stop = false;        ///< some rank was asked to stop: every rank drops this batch
};

/// Forward and backward of this rank's shard of a batch, then one all-reduce for the step: every
/// gradient (each rank's loss is its shard's sum over the global batch size, so the summed
/// gradients are the global batch mean's whatever the shard sizes; a rank without images adds
/// zeros) together with the loss, the correct count and the stop votes. Buffers follow rank 0's
/// first. The forward pass runs at `precision` (training/MixedPrecision). The caller steps the
/// optimizer unless `stop`.
StepTotals shardStep(World& world, ClassifierImpl& model, const Batch& batch, Precision precision, bool stop);

/// This rank's contiguous share of a set.
LabeledImages shardOf(const LabeledImages& set, const World& world);

/// A labelled set's mean loss, accuracy and logits (in the set's order).
struct SetScores {
    double meanLoss = 0.0, accuracy = 0.0;
    ScoredSet scores;
};
/// A set scored in shards: each rank scores its share and one all-reduce gives every rank the
/// whole set's scores.
SetScores scoreInShards(World& world, ClassifierImpl& model, const LabeledImages& set, double mean, double std,
                        int numClasses);

/// Rank 0's checkpoint for every rank: rank 0 checks and reads `path` and gets `path` back; the
/// others get the name of `copy`, holding rank 0's bytes.
QString shareCheckpoint(World& world, const QString& path, QTemporaryFile& copy);

} // namespace studio
