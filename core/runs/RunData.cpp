#include "runs/RunData.h"

#include "training/Checkpoint.h"
#include "util/StudioError.h"

#include <QFileInfo>

namespace studio {

DatasetInfo recordedData(const RunStore& store, std::int64_t id)
{
    const auto run = store.run(id);
    if (!run)
        throw StudioError("No run " + std::to_string(id) + " in " + store.location().toStdString() + ".");
    if (!run->data.fingerprint.empty())
        return run->data;
    auto legacy = run->data;
    for (const char* which : {"latest", "best"}) {
        const auto path = store.checkpoint(id, which);
        if (!QFileInfo::exists(path))
            continue;
        try {
            const auto meta = readCheckpointMeta(path);
            legacy.mean = meta.data.mean;
            legacy.std = meta.data.std;
            return legacy;
        } catch (const StudioError&) {
        }
    }
    return legacy;
}

std::shared_ptr<const Dataset> runDataset(RunStore& store, std::int64_t id, const DataSearch& search)
{
    const auto recorded = recordedData(store, id);
    std::shared_ptr<const Dataset> data;
    try {
        data = findDataset(recorded, search);
    } catch (const StudioError& e) {
        throw StudioError("Run " + std::to_string(id) + ": " + e.what());
    }
    if (recorded.fingerprint.empty())
        store.setRunData(id, *data);
    return data;
}

} // namespace studio
