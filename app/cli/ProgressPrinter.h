#pragma once
#include "training/TrainingEvents.h"

#include <chrono>
#include <string>
#include <vector>

namespace studio {
class Trainer;
}

namespace studio::cli {

/// Prints training progress: on a terminal a live bar with loss, accuracy, lr, images/s and ETA
/// (redrawn at most 10 times a second); otherwise plain lines (every 10 % of an epoch).
/// Every epoch ends with a summary line (naming the weakest class).
class ProgressPrinter : public TrainingObserver {
public:
    /// Follows `trainer`'s run from where it stands (its length, its position, its classes' names).
    ProgressPrinter(bool terminal, const Trainer& trainer);
    void onBatch(const BatchRecord& e) override;
    void onEpoch(const EpochRecord& e) override;
    void onFinished(const FinishedEvent& e) override;

private:
    bool m_terminal;
    int m_numEpochs;
    std::int64_t m_firstStep;
    std::vector<std::string> m_classNames;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_lastDraw{};
};

} // namespace studio::cli
