#pragma once

namespace studio {

/// A test hook for crash-consistency tests: when $MNIST_STUDIO_KILL_AT is "NAME" or "NAME:N", the
/// process kills itself with SIGKILL the Nth time (the first by default) it passes killPoint(NAME) —
/// a `kill -9` at an exact instant. Without the variable it does nothing.
///
/// Points: "checkpoint-write" (half-way through writing a checkpoint file), "latest-staged",
/// "best-staged" (a checkpoint written beside the one in use, not yet committed), "epoch-committed"
/// (the store holds the epoch, the staged checkpoints are not yet in place), "checkpoint-committed"
/// (both agree), "finishing" (the trainer returned, the store still says running).
void killPoint(const char* name);

} // namespace studio
