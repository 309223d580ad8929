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

} // namespace studio
