#include "RunHistory.h"

#include "runs/RunStore.h"
#include "util/StudioError.h"

#include <algorithm>
#include <map>

namespace studio::ui {

RunHistory runHistory(const RunStore& store, qint64 runId)
{
    const auto run = store.run(runId);
    if (!run)
        throw StudioError("No run " + std::to_string(runId) + " in " + store.folder().toStdString() + ".");
    const auto epochs = store.epochs(runId);
    const auto batches = store.batches(runId);
    std::map<int, qint64> perEpoch;
    for (const auto& b : batches)
        ++perEpoch[b.epoch];
    qint64 batchesPerEpoch = 0;
    for (const auto& [epoch, count] : perEpoch)
        batchesPerEpoch = std::max(batchesPerEpoch, count);

    RunHistory h;
    h.start.runId = runId;
    h.start.runDir = store.runDir(runId);
    h.start.model = run->model;
    h.start.batchesPerEpoch = batchesPerEpoch;
    h.start.batchSize = run->config.batchSize;
    h.start.numEpochs = run->config.numEpochs;
    h.start.firstStep = batches.empty() ? 0 : batches.back().step + 1;
    h.start.parameters = run->parameters;

    std::map<int, std::pair<double, double>> epochTimes; // epoch → (start, duration)
    double clock = 0;
    for (const auto& e : epochs) {
        epochTimes[e.epoch] = {clock, e.seconds};
        clock += e.seconds;
        EpochUpdate u;
        u.epoch = e.epoch;
        u.numEpochs = run->config.numEpochs;
        u.step = qint64(e.epoch) * batchesPerEpoch;
        u.trainLoss = e.trainLoss;
        u.trainAccuracy = e.trainAccuracy;
        u.valLoss = e.valLoss;
        u.valAccuracy = e.valAccuracy;
        u.lr = e.lr;
        u.seconds = clock;
        u.isBest = e.epoch == run->bestEpoch;
        h.epochs.push_back(u);
    }
    h.start.secondsBefore = clock;
    for (const auto& b : batches) {
        BatchUpdate u;
        u.step = b.step;
        u.epoch = b.epoch;
        u.batchesPerEpoch = batchesPerEpoch;
        u.batch = b.step - qint64(b.epoch - 1) * batchesPerEpoch;
        u.loss = b.loss;
        u.accuracy = b.accuracy;
        u.lr = b.lr;
        u.imagesPerSecond = b.imagesPerSecond;
        const auto t = epochTimes.find(b.epoch);
        u.seconds = t == epochTimes.end() ? clock
                                          : t->second.first + t->second.second * double(u.batch + 1) /
                                                                  double(std::max<qint64>(1, batchesPerEpoch));
        h.batches.push_back(u);
    }
    return h;
}

} // namespace studio::ui
