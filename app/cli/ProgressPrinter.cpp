#include "cli/ProgressPrinter.h"

#include "training/Trainer.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace studio::cli {
namespace {

std::string clock(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "--:--";
    const auto s = static_cast<long>(seconds + 0.5);
    char b[32];
    if (s >= 3600)
        std::snprintf(b, sizeof b, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        std::snprintf(b, sizeof b, "%ld:%02ld", s / 60, s % 60);
    return b;
}

} // namespace

ProgressPrinter::ProgressPrinter(bool terminal, const Trainer& trainer)
    : m_terminal(terminal), m_numEpochs(trainer.config().numEpochs), m_firstStep(trainer.position().step)
{
    for (int k = 0; k < trainer.data().numClasses; ++k)
        m_classNames.push_back(trainer.data().className(k));
}

void ProgressPrinter::onBatch(const BatchRecord& e)
{
    const auto now = std::chrono::steady_clock::now();
    const bool last = e.batch + 1 == e.batchesPerEpoch;
    const std::int64_t totalSteps = static_cast<std::int64_t>(m_numEpochs) * e.batchesPerEpoch;
    const double elapsed = std::chrono::duration<double>(now - m_start).count();
    const double done = static_cast<double>(e.step + 1 - m_firstStep);
    const double eta = done > 0 ? elapsed / done * static_cast<double>(totalSteps - e.step - 1) : NAN;
    const double frac = static_cast<double>(e.batch + 1) / static_cast<double>(e.batchesPerEpoch);
    if (m_terminal) {
        if (!last && now - m_lastDraw < std::chrono::milliseconds(100))
            return;
        m_lastDraw = now;
        const int width = 24, filled = static_cast<int>(frac * width);
        std::string bar(static_cast<std::size_t>(filled), '#');
        bar.append(static_cast<std::size_t>(width - filled), '.');
        std::printf("\r\033[Kepoch %d/%d [%s] %3.0f%% loss %.4f acc %5.1f%% lr %.2e %6.0f img/s ETA %s", e.epoch,
                    m_numEpochs, bar.c_str(), frac * 100, e.loss, e.accuracy * 100, e.lr, e.imagesPerSecond,
                    clock(eta).c_str());
        std::fflush(stdout);
        return;
    }
    const auto tenth = std::max<std::int64_t>(1, e.batchesPerEpoch / 10);
    if ((e.batch + 1) % tenth == 0 && !last)
        std::printf("epoch %d/%d batch %lld/%lld loss %.4f acc %.1f%% lr %.3e %.0f img/s ETA %s\n", e.epoch,
                    m_numEpochs, static_cast<long long>(e.batch + 1), static_cast<long long>(e.batchesPerEpoch), e.loss,
                    e.accuracy * 100, e.lr, e.imagesPerSecond, clock(eta).c_str());
}

void ProgressPrinter::onEpoch(const EpochRecord& e)
{
    if (m_terminal)
        std::printf("\r\033[K");
    char validation[128] = "no validation";
    if (std::isfinite(e.valAccuracy) && std::isfinite(e.emaValAccuracy))
        std::snprintf(validation, sizeof validation, "val loss %.4f acc %.2f%% | EMA val loss %.4f acc %.2f%%",
                      e.valLoss, e.valAccuracy * 100, e.emaValLoss, e.emaValAccuracy * 100);
    else if (std::isfinite(e.valAccuracy))
        std::snprintf(validation, sizeof validation, "val loss %.4f acc %.2f%%", e.valLoss, e.valAccuracy * 100);
    std::string weakest;
    if (const int k = e.weakestClass(); k >= 0)
        weakest = " | weakest " +
                  (std::size_t(k) < m_classNames.size() ? m_classNames[std::size_t(k)] : std::to_string(k)) + " " +
                  std::to_string(e.valClassAccuracy[std::size_t(k)] * 100).substr(0, 5) + "%";
    std::printf("epoch %d/%d: train loss %.4f acc %.2f%% | %s%s | lr %.3e | %.1f s%s\n", e.epoch, e.numEpochs,
                e.trainLoss, e.trainAccuracy * 100, validation, weakest.c_str(), e.lr, e.seconds,
                e.isBest && std::isfinite(e.valAccuracy) ? " *best*" : "");
    std::fflush(stdout);
}

void ProgressPrinter::onFinished(const FinishedEvent& e)
{
    if (m_terminal)
        std::printf("\r\033[K");
    std::printf("%s: %s\n", nameOf(e.reason).c_str(), e.message.c_str());
    std::fflush(stdout);
}

} // namespace studio::cli
