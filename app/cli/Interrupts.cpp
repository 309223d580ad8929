#include "cli/Interrupts.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <pthread.h>
#include <thread>

namespace studio::cli {

namespace {
std::mutex g_handlerMutex;
std::function<void()> g_handler;
} // namespace

void installInterruptHandling()
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr); // inherited by every thread created from now on
    std::thread([set] {
        while (true) {
            int signal = 0;
            if (sigwait(&set, &signal) != 0)
                continue;
            std::lock_guard lock(g_handlerMutex);
            if (!g_handler)
                std::_Exit(130);
            std::fputs("\ninterrupt: stopping after the current batch and saving a resumable checkpoint…\n", stderr);
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

} // namespace studio::cli
