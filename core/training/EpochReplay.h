#pragma once
#include "models/ScoredSet.h"

#include <QString>

#include <limits>
#include <vector>

namespace studio {

/// What a run's model predicted on its validation images at the end of each epoch, kept in the
/// run's folder so that the epochs can be replayed (the Analyze page's epoch slider) and each
/// image's learning history derived (evaluation/Forgetting). One file an epoch,
/// replay/epoch-NNNN.bin, written atomically: a header, the labels (one byte each) and the
/// log-probabilities as float16, N×(1 + 2C) bytes (6,000 images: 126 KB an epoch). The float16
/// rounding keeps every image's predicted class (its first maximum) what the model predicted, so
/// a replayed epoch's accuracy is the recorded validation accuracy exactly.
struct ReplayEpoch {
    int epoch = 0;    ///< 1-based
    ScoredSet scores; ///< logits = the log-probabilities, rounded to float16
};

/// The folder of a run's replay files.
QString replayFolder(const QString& runDir);

/// Writes epoch `epoch`'s file (replacing one of the same epoch); throws StudioError naming the
/// file it cannot write. `scores` holds any logits (they are normalised to log-probabilities).
void writeReplayEpoch(const QString& runDir, int epoch, const ScoredSet& scores);

/// The epochs up to `lastEpoch` the run's folder holds, in order; none for a run made before
/// replays were kept. Throws StudioError naming a damaged file.
std::vector<ReplayEpoch> readReplay(const QString& runDir, int lastEpoch = std::numeric_limits<int>::max());

/// Removes the files of epochs after `epoch` (a run continuing from that epoch redoes them).
void dropReplayAfter(const QString& runDir, int epoch);

} // namespace studio
