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
        throw StudioError("No run " + std::to_string(runId) + " in " + store.location().toStdString() + ".");
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
    for (int k = 0; k < run->data.numClasses; ++k)
        h.start.classNames << QString::fromStdString(run->data.className(k));

    // The store keeps what was measured; the rest follows from the run.
    h.epochs = store.epochs(runId);
    for (auto& e : h.epochs) {
        e.numEpochs = run->config.numEpochs;
        e.step = qint64(e.epoch) * batchesPerEpoch;
        e.isBest = e.epoch == run->bestEpoch;
    }
    h.start.secondsBefore = h.epochs.empty() ? 0.0 : h.epochs.back().runSeconds;
    h.batches = batches;
    for (auto& b : h.batches) { // a step's time: its share of its epoch's
        b.batchesPerEpoch = batchesPerEpoch;
        b.batch = b.step - qint64(b.epoch - 1) * batchesPerEpoch;
        const auto e =
            std::find_if(h.epochs.begin(), h.epochs.end(), [&](const auto& x) { return x.epoch == b.epoch; });
        b.runSeconds = e == h.epochs.end()
                           ? h.start.secondsBefore
                           : e->runSeconds - e->seconds * (1.0 - double(b.batch + 1) /
                                                                     double(std::max<qint64>(1, batchesPerEpoch)));
    }
    return h;
}

} // namespace studio::ui
