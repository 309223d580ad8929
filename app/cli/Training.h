#pragma once
#include "runs/RunLauncher.h"
#include "util/Interrupts.h"

namespace studio::cli {

/// Runs a launched run with progress output (Ctrl-C stops it after the current batch, resumable)
/// and prints the outcome (and the test accuracy when the launch asked for it).
LaunchResult runTraining(RunLauncher& launcher);
/// While alive, Ctrl-C (SIGINT, SIGTERM) says so and calls `stop` (the run stops after the current
/// batch, resumable) instead of ending the process.
InterruptScope stopOnInterrupt(std::function<void()> stop);
/// The lines a finished run leaves: its end, and its test accuracy when it was scored.
void printOutcome(std::int64_t runId, const QString& runDir, const LaunchResult& result);

/// 0 for completed or early-stopped, 130 for a user stop, 1 otherwise.
int exitCodeFor(FinishReason reason);

} // namespace studio::cli
