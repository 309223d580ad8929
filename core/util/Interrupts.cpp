#include "util/Interrupts.h"

#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

namespace studio {

namespace {
std::mutex g_handlerMutex;
std::function<void()> g_handler;

int g_pipe[2] = {-1, -1};

/// Async-signal-safe: only write(2). Whichever thread receives the signal runs this.
void onSignal(int signal)
{
    const char byte = static_cast<char>(signal);
    [[maybe_unused]] const auto written = ::write(g_pipe[1], &byte, 1);
}

} // namespace

void installInterruptHandling()
{
    if (::pipe2(g_pipe, O_CLOEXEC) != 0)
        return; // without a pipe the default action (terminate) stays in place
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    std::thread([] {
        char byte = 0;
        while (::read(g_pipe[0], &byte, 1) == 1) {
            std::lock_guard lock(g_handlerMutex);
            if (!g_handler)
                std::_Exit(130);
            g_handler();
        }
    }).detach();
}

InterruptScope::InterruptScope(std::function<void()> onSignal)
{
    std::lock_guard lock(g_handlerMutex);
    g_handler = std::move(onSignal);
}

InterruptScope::~InterruptScope()
{
    std::lock_guard lock(g_handlerMutex);
    g_handler = nullptr;
}

} // namespace studio
