#pragma once
#include "TrainingUpdates.h"

#include <vector>

namespace studio {
class RunStore;
}

namespace studio::ui {

/// A run's recorded curves as the updates a live session emits, so charts draw a stored run with
/// the code that draws a live one: per-batch loss, accuracy and LR, per-epoch summaries (wall time
/// summed over epochs; batches placed evenly within their epoch).
struct RunHistory {
    RunStarted start;
    std::vector<BatchRecord> batches;
    std::vector<EpochRecord> epochs;
};

/// Reads run `runId` from `store` (throws StudioError when there is no such run).
RunHistory runHistory(const RunStore& store, qint64 runId);

} // namespace studio::ui
