#pragma once
#include "runs/RunStore.h"

namespace studio {

/// Where a stopped, interrupted or failed run continues: its latest checkpoint and config.
struct ResumePoint {
    TrainConfig config;
    QString checkpoint;     ///< run-<id>/latest.pt ("" for a run that ended before its first one)
    int epoch = 0;          ///< 0-based epoch the run continues in
    std::int64_t batch = 0; ///< next batch within it
};

/// The resume point of run `id` (settling its checkpoints first, settleCheckpoints): its latest
/// checkpoint, or step 0 for a run that ended before writing one. A run whose checkpoint is at its
/// end resumes to finish at once. Throws StudioError when the run does not exist, is held by a live
/// process, has finished (completed, early-stopped), has epochs recorded but no checkpoint, or its
/// checkpoint is unreadable or belongs to another run. `claimed`: this process holds the run already
/// (a sweep worker's claim), so its "running" state is ours.
ResumePoint resumePoint(const RunStore& store, std::int64_t id, bool claimed = false);

} // namespace studio
