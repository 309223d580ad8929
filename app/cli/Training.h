#pragma once
#include "runs/RunStore.h"
#include "training/Trainer.h"

namespace studio::cli {

/// Runs the trainer with the store recorder and progress output (Ctrl-C stops it after the
/// current batch, resumable) and prints the outcome.
FinishedEvent runTraining(Trainer& trainer, RunStore& store, std::int64_t runId);

/// 0 for completed or early-stopped, 130 for a user stop, 1 otherwise.
int exitCodeFor(FinishReason reason);

} // namespace studio::cli
