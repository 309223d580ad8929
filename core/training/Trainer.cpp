#include "training/Trainer.h"

#include "data/BatchStream.h"
#include "data/DatasetSearch.h"
#include "data/Split.h"
#include "models/Predictions.h"
#include "models/ModelRegistry.h"
#include "training/DataParallel.h"
#include "training/EarlyStopping.h"
#include "training/EpochReplay.h"
#include "training/LrSchedule.h"
#include "training/MixedPrecision.h"
#include "training/OptimizerFactory.h"
#include "util/KillPoint.h"
#include "util/PlainMessage.h"
#include "util/Seed.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <torch/nn/functional/loss.h>
#include <torch/utils.h>

#include <QDir>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <tuple>

namespace studio {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t)
{
    return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string formatLr(double lr)
{
    char b[32];
    std::snprintf(b, sizeof b, "%.3g", lr);
    return b;
}

} // namespace

Trainer::Trainer(TrainConfig config, const Dataset& dataset, QString runDir)
    : m_config(std::move(config)), m_data(dataset), m_runDir(std::move(runDir))
{
    validateConfig(m_config);
    checkPrecision(m_config.precision); // this machine's side of the config
    auto sets = trainingSets(dataset, m_config.limitTrain, m_config.valFraction, m_config.seed);
    m_train = std::move(sets.train);
    m_validation = std::move(sets.validation);
    if (m_train.size() == 0)
        throw StudioError(
            "The training split is empty: " + std::to_string(dataset.train.head(m_config.limitTrain).size()) +
            " images with val_fraction " + std::to_string(m_config.valFraction) + ".");
    torch::manual_seed(m_config.seed);
    ModelOptions options;
    options.dropout = m_config.dropoutRate;
    options.activation = m_config.activation;
    m_model = buildModel(m_config.model, options);
    if (m_config.emaDecay > 0)
        m_average.emplace(m_model, m_config.emaDecay);
    m_optimizer = makeOptimizer(m_config, m_model->parameters(), learningRateAt(m_config, 0, batchesPerEpoch()));
    m_position.early.best = std::nan("");
    QDir().mkpath(m_runDir);
}

Trainer::~Trainer() = default;

void Trainer::addObserver(TrainingObserver* observer)
{
    m_observers.push_back(observer);
}

void Trainer::joinWorld(World* world)
{
    m_world = world && world->size() > 1 ? world : nullptr;
}

std::int64_t Trainer::batchesPerEpoch() const
{
    return BatchStream::batchesPerEpoch(m_train.size(), m_config.batchSize);
}

void Trainer::pause()
{
    m_paused = true;
}

void Trainer::resume()
{
    {
        std::lock_guard lock(m_pauseMutex);
        m_paused = false;
    }
    m_pauseChanged.notify_all();
}

void Trainer::stop()
{
    {
        std::lock_guard lock(m_pauseMutex);
        m_stop = true;
    }
    m_pauseChanged.notify_all();
}

bool Trainer::isPaused() const
{
    return m_paused;
}

bool Trainer::waitWhilePaused()
{
    if (m_paused && !m_world) {
        std::unique_lock lock(m_pauseMutex);
        // Observers hear of a long pause every few seconds (the recorder's heartbeat: the run is held).
        while (!m_pauseChanged.wait_for(lock, std::chrono::seconds(5), [&] { return !m_paused || m_stop; })) {
            lock.unlock();
            for (auto* o : m_observers)
                o->onPaused();
            lock.lock();
        }
    }
    return !m_stop;
}

FinishedEvent Trainer::finish(FinishReason reason, std::string message)
{
    FinishedEvent f;
    f.reason = reason;
    f.message = std::move(message);
    f.epochsCompleted = m_position.epoch;
    f.bestEpoch = m_position.early.bestEpoch;
    f.seconds = m_position.elapsedSeconds;
    if (f.bestEpoch > 0) {
        const bool byLoss = m_config.earlyStoppingMonitor == Monitor::ValLoss;
        (byLoss ? f.bestValLoss : f.bestValAccuracy) = m_position.early.best;
        try {
            const auto best = readCheckpointMeta(bestPath());
            f.bestValAccuracy = best.valAccuracy;
            f.bestValLoss = best.valLoss;
        } catch (const StudioError&) {
        }
    }
    return f;
}

FinishedEvent Trainer::stopped()
{
    saveLatest();
    return finish(FinishReason::StoppedByUser, "Stopped by user at epoch " + std::to_string(m_position.epoch + 1) +
                                                   ", batch " + std::to_string(m_position.batch) + "/" +
                                                   std::to_string(batchesPerEpoch()) +
                                                   "; resuming continues from there.");
}

std::optional<SetScores> Trainer::validate(ClassifierImpl& model)
{
    if (m_validation.size() == 0)
        return SetScores{std::nan(""), std::nan(""), {}};
    if (m_world)
        return scoreInShards(*m_world, model, m_validation, m_data.mean, m_data.std, m_data.numClasses);
    // stop and pause are honoured between its batches too
    const auto val =
        predict(model, m_validation, m_data.mean, m_data.std, kPredictBatchSize, [&] { return m_stop.load(); });
    if (val.cancelled)
        return std::nullopt;
    return SetScores{val.meanLoss, val.accuracy, scoredSet(val)};
}

FinishedEvent Trainer::run()
{
    FinishedEvent result;
    try {
        result = train();
    } catch (const WorldLost& e) {
        std::string saved;
        try {
            saveLatest();
            saved = writes() ? "; resuming continues from epoch " + std::to_string(m_position.epoch + 1) + ", batch " +
                                   std::to_string(m_position.batch)
                             : "";
        } catch (const std::exception& write) {
            saved = std::string("; ") + write.what();
        }
        result = finish(FinishReason::Interrupted, e.what() + saved + ".");
    } catch (const std::exception& e) {
        result = finish(FinishReason::Error, plainMessage(e));
    }
    killPoint("finishing");
    for (auto* o : m_observers)
        o->onFinished(result);
    try {
        if (!checkpointsHeld())
            commitCheckpoints(); // a stop's checkpoint, once the run's records say where it stopped
    } catch (const std::exception&) {
        // left staged: opening the run again moves it into place (runs/RunRecovery)
    }
    return result;
}

FinishedEvent Trainer::earlyStopped(const EarlyStopping& early)
{
    if (m_config.restoreBestWeights && writes())
        loadCheckpoint(bestPath(), *model(), nullptr);
    return finish(FinishReason::EarlyStopped, "Early stopped after epoch " + std::to_string(m_position.epoch) + ": " +
                                                  nameOf(m_config.earlyStoppingMonitor) + " did not improve for " +
                                                  std::to_string(m_config.earlyStoppingPatience) +
                                                  " epochs (best: epoch " + std::to_string(early.state().bestEpoch) +
                                                  ")" +
                                                  (m_config.restoreBestWeights ? "; best weights restored." : "."));
}

FinishedEvent Trainer::train()
{
    configureTorchThread(m_config.threads);
    namespace F = torch::nn::functional;
    const auto perEpoch = batchesPerEpoch();
    auto& pos = m_position;
    EarlyStopping early(m_config.earlyStoppingMonitor, m_config.earlyStoppingPatience, m_config.earlyStoppingMinDelta);
    early.restore(pos.early);
    if (m_world)
        shareModelState(*m_world, *m_model); // replicas start equal
    if (early.shouldStop())                  // resumed after the stopping epoch was recorded
        return earlyStopped(early);

    while (pos.epoch < m_config.numEpochs) {
        const auto epochStart = Clock::now();
        double pausedSeconds = 0.0;
        BatchPlan plan;
        plan.batchSize = m_config.batchSize;
        plan.seed = m_config.seed;
        plan.epoch = pos.epoch;
        plan.firstBatch = pos.batch;
        plan.augment = m_config.augment;
        plan.mean = m_data.mean;
        plan.std = m_data.std;
        plan.shard = m_world ? m_world->rank() : 0;
        plan.shards = m_world ? m_world->size() : 1;
        BatchStream stream(m_train, plan);
        const auto stopNow = [&] {
            pos.elapsedSeconds += secondsSince(epochStart) - pausedSeconds;
            return stopped();
        };
        m_model->train();
        double lr = learningRateAt(m_config, pos.step, perEpoch);
        double throughput = 0.0;
        auto last = Clock::now();
        while (true) {
            if (m_paused) {
                const auto pauseStart = Clock::now();
                const bool go = waitWhilePaused();
                pausedSeconds += secondsSince(pauseStart);
                last = Clock::now();
                if (!go)
                    return stopNow();
            }
            if (m_stop && !m_world) // a world stops by vote, at the same step everywhere
                return stopNow();
            auto batch = stream.next();
            if (!batch)
                break;
            auto dropoutSeed = mixSeed(m_config.seed, 0xd1u, static_cast<std::uint64_t>(pos.epoch),
                                       static_cast<std::uint64_t>(batch->index));
            torch::manual_seed(m_world ? mixSeed(dropoutSeed, 0x5au, std::uint64_t(m_world->rank())) : dropoutSeed);
            lr = learningRateAt(m_config, pos.step, perEpoch);
            setLearningRate(*m_optimizer, lr);
            m_optimizer->zero_grad();
            double lossValue = 0.0;
            std::int64_t n = batch->labels.size(0), correct = 0;
            if (m_world) {
                const auto totals = shardStep(*m_world, *m_model, *batch, m_config.precision, m_stop.load());
                if (totals.stop)
                    return stopNow();
                n = batch->globalSize;
                correct = totals.correct;
                lossValue = totals.lossSum / double(n);
            }
            torch::Tensor logits, loss;
            if (!m_world) {
                {
                    AutocastScope mixed(m_config.precision);
                    logits = m_model->forward(batch->images);
                    loss = F::cross_entropy(logits, batch->labels);
                }
                lossValue = loss.item<double>();
            }
            if (!std::isfinite(lossValue)) {
                pos.elapsedSeconds += secondsSince(epochStart) - pausedSeconds;
                return finish(FinishReason::Diverged,
                              "Loss became " + std::string(std::isnan(lossValue) ? "NaN" : "infinite") + " at step " +
                                  std::to_string(pos.step) + " (epoch " + std::to_string(pos.epoch + 1) + ", batch " +
                                  std::to_string(batch->index) + ") with learning rate " + formatLr(lr) +
                                  "; training stopped and the checkpoints of earlier epochs are kept.");
            }
            if (!m_world) {
                if (m_stop) // the backward pass is most of a batch: drop the batch, it is redone on resume
                    return stopNow();
                loss.backward();
                correct = logits.argmax(1).eq(batch->labels).sum().item<std::int64_t>();
            }
            m_optimizer->step();
            if (m_average)
                m_average->update(m_model, pos.step);
            pos.partialLossSum += lossValue * static_cast<double>(n);
            pos.partialCorrect += correct;
            pos.partialSeen += n;
            pos.batch = batch->index + 1;
            ++pos.step;
            const double dt = secondsSince(last);
            last = Clock::now();
            const double rate = dt > 0 ? static_cast<double>(n) / dt : 0.0;
            throughput = throughput == 0.0 ? rate : 0.9 * throughput + 0.1 * rate;
            BatchRecord be;
            be.step = pos.step - 1;
            be.epoch = pos.epoch + 1;
            be.loss = lossValue;
            be.accuracy = static_cast<double>(correct) / static_cast<double>(n);
            be.lr = lr;
            be.imagesPerSecond = throughput;
            be.batch = batch->index;
            be.batchesPerEpoch = perEpoch;
            be.runSeconds = pos.elapsedSeconds + secondsSince(epochStart) - pausedSeconds;
            for (auto* o : m_observers)
                o->onBatch(be);
        }

        auto validation = validate(*m_model);
        if (!validation)
            return stopNow();
        EpochRecord ev;
        ev.valLoss = validation->meanLoss;
        ev.valAccuracy = validation->accuracy;
        if (m_average) {
            validation = validate(*m_average->model());
            if (!validation)
                return stopNow();
            ev.emaValLoss = validation->meanLoss;
            ev.emaValAccuracy = validation->accuracy;
        }
        const auto& kept = validation->scores; // of the model the run keeps
        if (kept.size() > 0) {
            ev.valClassAccuracy = kept.classAccuracy();
            if (writes())
                writeReplayEpoch(m_runDir, pos.epoch + 1, kept);
        }
        const double valLoss = ev.keptValLoss(), valAccuracy = ev.keptValAccuracy();
        ev.epoch = pos.epoch + 1;
        ev.numEpochs = m_config.numEpochs;
        ev.trainLoss = pos.partialSeen ? pos.partialLossSum / static_cast<double>(pos.partialSeen) : std::nan("");
        ev.trainAccuracy = pos.partialSeen
                               ? static_cast<double>(pos.partialCorrect) / static_cast<double>(pos.partialSeen)
                               : std::nan("");
        ev.lr = lr;
        ev.seconds = secondsSince(epochStart) - pausedSeconds;
        ev.runSeconds = pos.elapsedSeconds + ev.seconds;
        const double monitored = m_config.earlyStoppingMonitor == Monitor::ValLoss ? valLoss : valAccuracy;
        ev.isBest = m_validation.size() > 0 ? early.update(ev.epoch, monitored) : true;
        if (m_validation.size() == 0)
            early.restore({monitored, ev.epoch, 0});

        const TrainingPosition before = pos; // the last committed position, should this epoch fail to commit
        pos.epoch += 1;
        pos.batch = 0;
        pos.partialLossSum = 0.0;
        pos.partialCorrect = 0;
        pos.partialSeen = 0;
        pos.elapsedSeconds += ev.seconds;
        pos.early = early.state();
        ev.step = pos.step;

        try { // staged, committed with the epoch's records, then moved into place
            if (writes()) {
                stage(latestPath(), "latest", meta(valAccuracy, valLoss));
                if (ev.isBest)
                    stage(bestPath(), "best", meta(valAccuracy, valLoss));
            }
            for (auto* o : m_observers)
                o->onEpoch(ev);
        } catch (...) { // a full disk: the run ends where its records and checkpoints still agree
            pos = before;
            m_staged.clear();
            throw;
        }
        killPoint("epoch-committed");
        if (!checkpointsHeld())
            commitCheckpoints();
        killPoint("checkpoint-committed");

        if (early.shouldStop())
            return earlyStopped(early);
    }
    return finish(FinishReason::Completed, "Completed " + std::to_string(m_config.numEpochs) + " epochs.");
}

} // namespace studio
