#pragma once
#include "data/Dataset.h"
#include "distributed/World.h"
#include "models/Classifier.h"
#include "training/DataParallel.h"
#include "training/Checkpoint.h"
#include "training/EarlyStopping.h"
#include "training/TrainConfig.h"
#include "training/TrainingEvents.h"
#include "training/WeightAverage.h"

#include <torch/optim/optimizer.h>

#include <QString>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

namespace studio {

/// Trains one configuration on a dataset, writing latest.pt every epoch (and on stop) and best.pt
/// whenever the monitored validation metric improves, into `runDir`. run() blocks: call it on a
/// worker thread. pause(), resume() and stop() may be called from any thread and take effect
/// before the next batch (or validation batch).
class Trainer {
public:
    /// `config` must be valid (validateConfig). Builds the model with the config's seed.
    Trainer(TrainConfig config, const Dataset& dataset, QString runDir);
    ~Trainer();

    void addObserver(TrainingObserver* observer);
    /// Trains as one replica of a data-parallel run (call before resumeFrom and run): each rank
    /// takes its shard of every batch of the config's (global) batch size, gradients are averaged
    /// across ranks, validation is scored in shards. Only rank 0 writes checkpoints; a stop on any
    /// rank stops every rank at the same step; pause is not offered. A lost rank ends the run as
    /// Interrupted, rank 0 having saved a resumable checkpoint.
    void joinWorld(World* world);
    /// Continues from a checkpoint of this configuration's architecture trained on this dataset
    /// (same fingerprint; throws StudioError otherwise), with the checkpoint's normalisation. In a
    /// world, rank 0 reads the file and every rank loads rank 0's bytes (the path is ignored elsewhere).
    void resumeFrom(const QString& checkpointPath);

    /// Trains until completion, early stop, stop, divergence or error; never throws.
    FinishedEvent run();

    void pause();
    void resume();
    void stop();
    bool isPaused() const;

    /// The model the run offers: the weight average when the config keeps one (ema_decay), else the
    /// weights the optimizer trains.
    Classifier model() const { return m_average ? m_average->model() : m_model; }
    const TrainConfig& config() const { return m_config; }
    const TrainingPosition& position() const { return m_position; }
    std::int64_t batchesPerEpoch() const;
    std::int64_t trainingSize() const { return m_train.size(); }
    std::int64_t validationSize() const { return m_validation.size(); }
    const DatasetInfo& data() const { return m_data; }
    /// Processes training this run (1 outside a world).
    int worldSize() const { return m_world ? m_world->size() : 1; }
    QString latestPath() const;
    QString bestPath() const;

private:
    FinishedEvent train();
    bool waitWhilePaused(); ///< false when stop was requested
    CheckpointMeta meta(double valAccuracy, double valLoss) const;
    FinishedEvent stopped();
    FinishedEvent earlyStopped(const EarlyStopping& early);
    FinishedEvent finish(FinishReason reason, std::string message);
    bool writes() const { return !m_world || m_world->isMaster(); }
    /// Stages a checkpoint (stageCheckpoint); commitCheckpoints() moves the staged ones into place
    /// once the observers (the run's store) have recorded what they cover.
    void stage(const QString& path, const char* kind, const CheckpointMeta& m);
    void commitCheckpoints();
    /// An observer still holds records the staged checkpoints cover (TrainingObserver::holdsCheckpoints).
    bool checkpointsHeld() const;
    void saveLatest();
    /// `model`'s scores on the validation split (NaN loss and accuracy without one); nullopt when stopped.
    std::optional<SetScores> validate(ClassifierImpl& model);

    TrainConfig m_config;
    LabeledImages m_train;
    LabeledImages m_validation;
    DatasetInfo m_data; ///< recorded in every checkpoint; its mean/std standardise the inputs
    QString m_runDir;
    Classifier m_model; ///< the weights the optimizer trains
    std::optional<WeightAverage> m_average;
    std::unique_ptr<torch::optim::Optimizer> m_optimizer;
    TrainingPosition m_position;
    std::vector<TrainingObserver*> m_observers;
    World* m_world = nullptr;
    std::vector<CheckpointEvent> m_staged;

    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_paused{false};
    mutable std::mutex m_pauseMutex;
    std::condition_variable m_pauseChanged;
};

} // namespace studio
