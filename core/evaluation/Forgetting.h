#pragma once
#include "training/EpochReplay.h"

#include <QJsonObject>
#include <QString>

#include <vector>

namespace studio {

/// How one validation image fared over a run's replayed epochs (Toneva et al., ICLR 2019, "An
/// Empirical Study of Example Forgetting during Deep Neural Network Learning").
struct ImageHistory {
    int learnedAt = 0;        ///< the epoch from which it stays correct to the last one replayed; 0: wrong then
    int forgettingEvents = 0; ///< correct at one replayed epoch, wrong at the next
    int epochsCorrect = 0;
};

/// Every image's history over `replay` (epochs in order, the same images in each); empty without epochs.
std::vector<ImageHistory> imageHistories(const std::vector<ReplayEpoch>& replay);

/// What the histories add up to: epochs replayed, images never forgotten once learned, forgotten at
/// least once, not learned by the last epoch (JSON for metrics.json).
QJsonObject forgettingSummary(const std::vector<ReplayEpoch>& replay, const std::vector<ImageHistory>& histories);

/// Writes index,label,learned_at,forgetting_events,epochs_correct,last_predicted atomically, one
/// row per validation image (learned_at empty when wrong at the last epoch); throws StudioError
/// naming the file.
void writeForgettingCsv(const QString& path, const std::vector<ReplayEpoch>& replay,
                        const std::vector<ImageHistory>& histories);

} // namespace studio
