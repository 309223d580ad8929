#include "runs/ResumePoint.h"

#include "runs/RunRecovery.h"
#include "training/Checkpoint.h"
#include "util/StudioError.h"

#include <QDir>
#include <QFile>

namespace studio {
namespace {

/// The config without what a session may change (its threads), for comparing runs.
QJsonObject comparable(const TrainConfig& config)
{
    auto o = configToJson(config);
    o.remove("threads");
    return o;
}

} // namespace

ResumePoint resumePoint(const RunStore& store, std::int64_t id, bool claimed)
{
    const auto record = store.run(id);
    if (!record)
        throw StudioError("No run " + std::to_string(id) + " in " + store.location().toStdString() + ".");
    if (record->status == "running" && !claimed) // a live process holds it: opening the store marked dead ones
        throw StudioError(store.heldBy(id));
    if (record->status == "completed" || record->status == "early-stopped" || record->status == "cancelled")
        throw StudioError("Run " + std::to_string(id) + " is " + record->status.toStdString() +
                          "; there is nothing to resume.");
    settleCheckpoints(store, id); // a stop's checkpoint may still be staged
    const QString latest = QDir(store.runDir(id)).filePath("latest.pt");
    if (!QFile::exists(latest)) {
        if (record->epochsDone > 0 || store.recordedSteps(id) > 0)
            throw StudioError("Run " + std::to_string(id) + " has " + std::to_string(record->epochsDone) +
                              " epochs recorded but no checkpoint (" + latest.toStdString() +
                              " is missing); it cannot be resumed.");
        return {record->config, {}, 0, 0}; // ended before its first checkpoint: it starts over
    }
    const auto saved = readCheckpointMeta(latest);
    if (comparable(saved.config) != comparable(record->config))
        throw StudioError("Checkpoint " + latest.toStdString() + " holds a " + saved.config.model +
                          " model of another configuration than run " + std::to_string(id) +
                          " records: it belongs to another run.");
    return {saved.config, latest, saved.position.epoch, saved.position.batch};
}

} // namespace studio
