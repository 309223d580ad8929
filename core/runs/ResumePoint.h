#pragma once
#include "runs/RunStore.h"

namespace studio {

/// Where a stopped, interrupted or failed run continues: its latest checkpoint and config.
struct ResumePoint {
    TrainConfig config;
    QString checkpoint;     ///< run-<id>/latest.pt
    int epoch = 0;          ///< 0-based epoch the run continues in
    std::int64_t batch = 0; ///< next batch within it
};

/// The resume point of run `id`; throws StudioError when the run does not exist, has finished
/// (completed, early-stopped, all epochs done) or its checkpoint is missing or unreadable.
ResumePoint resumePoint(const RunStore& store, std::int64_t id);

} // namespace studio
