#include "training/TrainingEvents.h"

namespace studio {

std::string nameOf(FinishReason r)
{
    switch (r) {
    case FinishReason::Completed:
        return "completed";
    case FinishReason::EarlyStopped:
        return "early-stopped";
    case FinishReason::StoppedByUser:
        return "stopped";
    case FinishReason::Diverged:
        return "diverged";
    case FinishReason::Error:
        return "error";
    case FinishReason::Interrupted:
        return "interrupted";
    }
    return "error";
}

bool endedWell(FinishReason r)
{
    return r == FinishReason::Completed || r == FinishReason::EarlyStopped;
}

int EpochRecord::weakestClass() const
{
    int found = -1;
    for (std::size_t k = 0; k < valClassAccuracy.size(); ++k)
        if (!std::isnan(valClassAccuracy[k]) &&
            (found < 0 || valClassAccuracy[k] < valClassAccuracy[std::size_t(found)]))
            found = int(k);
    return found;
}

} // namespace studio
