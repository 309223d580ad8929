#pragma once
#include <functional>

namespace studio {

/// Routes SIGINT/SIGTERM through a self-pipe to a watcher thread, so that whichever thread the
/// kernel picks (OpenMP workers included) nothing is killed mid-write. Call first in main() (both
/// front ends do). Without a handler in scope a signal exits with status 130.
void installInterruptHandling();

/// While alive, a SIGINT/SIGTERM calls `onSignal` (from the watcher thread: post to the UI thread
/// from there) instead of exiting.
class InterruptScope {
public:
    explicit InterruptScope(std::function<void()> onSignal);
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

} // namespace studio
