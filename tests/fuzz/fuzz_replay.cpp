// The epoch replay reader (a run folder's replay/epoch-NNNN.bin) on any bytes: epochs whose scores
// have a row per image, and the histories derived from them, or a StudioError.
#include "FuzzInput.h"

#include "evaluation/Forgetting.h"
#include "training/EpochReplay.h"
#include "util/StudioError.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString run = studio::fuzz::scratchFolder();
    QDir().mkpath(studio::replayFolder(run));
    studio::fuzz::writeInput(data, size, "replay/epoch-0001.bin");
    try {
        const auto replay = studio::readReplay(run);
        for (const auto& e : replay) {
            const auto& s = e.scores;
            if (e.epoch != 1 || s.numClasses < 1 || s.logits.size() != s.labels.size() * std::size_t(s.numClasses))
                std::abort(); // the reader promises a row of scores per image
            s.probabilities();
            s.classAccuracy();
        }
        if (studio::imageHistories(replay).size() != (replay.empty() ? 0 : replay[0].scores.labels.size()))
            std::abort();
    } catch (const studio::StudioError&) {
    }
    return 0;
}
