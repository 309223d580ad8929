#pragma once
#include <functional>

namespace studio::cli {

/// Routes SIGINT/SIGTERM to a watcher thread. Call first in main(), before any thread exists,
/// so that no thread (OpenMP workers included) receives them directly. Without a handler in
/// scope a signal exits with status 130.
void installInterruptHandling();

/// While alive, a SIGINT/SIGTERM calls `onSignal` (from the watcher thread) instead of exiting.
class InterruptScope {
public:
    explicit InterruptScope(std::function<void()> onSignal);
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;
};

} // namespace studio::cli
