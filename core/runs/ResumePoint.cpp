#include "runs/ResumePoint.h"

#include "training/Checkpoint.h"
#include "util/StudioError.h"

#include <QDir>

namespace studio {

ResumePoint resumePoint(const RunStore& store, std::int64_t id)
{
    const auto record = store.run(id);
    if (!record)
        throw StudioError("No run " + std::to_string(id) + " in " + store.folder().toStdString() + ".");
    if (record->status == "running") // a live process holds it: opening the store marked dead ones
        throw StudioError(store.heldBy(id));
    const QString latest = QDir(store.runDir(id)).filePath("latest.pt");
    const auto saved = readCheckpointMeta(latest);
    if (saved.position.epoch >= saved.config.numEpochs || record->status == "completed" ||
        record->status == "early-stopped")
        throw StudioError("Run " + std::to_string(id) + " is " + record->status.toStdString() +
                          "; there is nothing to resume.");
    return {saved.config, latest, saved.position.epoch, saved.position.batch};
}

} // namespace studio
