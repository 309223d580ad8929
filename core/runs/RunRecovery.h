#pragma once
#include "runs/RunStore.h"

namespace studio {

/// Brings a run's checkpoints in line with its records, whenever the process that trained it
/// ended (a kill at any instant included): a staged checkpoint (stagedPath) whose position the store
/// has committed is moved into place, one it has not is dropped (that work is redone on resume),
/// and the temporary files of a write cut short are removed. Safe to repeat and to run from two
/// processes at once.
void settleCheckpoints(const RunStore& store, std::int64_t id);

/// The status and message a run whose process is gone has earned: "completed" when every epoch is
/// recorded, "early-stopped" when its latest checkpoint's early stopping says stop, otherwise
/// "interrupted" (resume continues from the last committed checkpoint).
std::pair<QString, QString> statusAfterProcessEnded(const RunStore& store, std::int64_t id);

} // namespace studio
