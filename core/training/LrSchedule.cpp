#include "training/LrSchedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace studio {
namespace {

double cosineAnneal(double start, double end, double pct)
{
    return end + (start - end) / 2.0 * (1.0 + std::cos(std::numbers::pi * pct));
}

} // namespace

std::int64_t plannedBatchesPerEpoch(std::int64_t available, const TrainConfig& c)
{
    const auto pool = c.limitTrain > 0 ? std::min(available, c.limitTrain) : available;
    const auto val = static_cast<std::int64_t>(std::llround(static_cast<double>(pool) * c.valFraction));
    const auto train = pool - val;
    return c.batchSize > 0 ? (train + c.batchSize - 1) / c.batchSize : 0;
}

double learningRateAt(const TrainConfig& c, std::int64_t step, std::int64_t stepsPerEpoch)
{
    const double total = static_cast<double>(c.numEpochs) * static_cast<double>(stepsPerEpoch);
    const double s = static_cast<double>(step);
    switch (c.scheduler) {
    case SchedulerKind::Constant:
        return c.learningRate;
    case SchedulerKind::Step: {
        const auto period = static_cast<std::int64_t>(c.stepSize) * stepsPerEpoch;
        return c.learningRate * std::pow(c.gamma, static_cast<double>(period > 0 ? step / period : 0));
    }
    case SchedulerKind::WarmupCosine: {
        const double warm = std::round(c.warmupEpochs * static_cast<double>(stepsPerEpoch));
        if (s < warm)
            return c.learningRate * (s + 1.0) / warm;
        const double span = total - warm;
        const double pct = span > 0 ? std::min(1.0, (s - warm) / span) : 1.0;
        return c.learningRate * 0.5 * (1.0 + std::cos(std::numbers::pi * pct));
    }
    case SchedulerKind::OneCycle: {
        const double initial = c.maxLr / c.divFactor;
        const double minLr = initial / c.finalDivFactor;
        const double peakStep = c.pctStart * total - 1.0;
        const double lastStep = total - 1.0;
        if (s <= peakStep)
            return cosineAnneal(initial, c.maxLr, peakStep > 0 ? s / peakStep : 1.0);
        const double pct = lastStep > peakStep ? (s - peakStep) / (lastStep - peakStep) : 1.0;
        return cosineAnneal(c.maxLr, minLr, std::min(1.0, pct));
    }
    }
    return c.learningRate;
}

std::vector<double> learningRateSchedule(const TrainConfig& config, std::int64_t stepsPerEpoch)
{
    std::vector<double> lrs(static_cast<std::size_t>(config.numEpochs * stepsPerEpoch));
    for (std::size_t i = 0; i < lrs.size(); ++i)
        lrs[i] = learningRateAt(config, static_cast<std::int64_t>(i), stepsPerEpoch);
    return lrs;
}

} // namespace studio
