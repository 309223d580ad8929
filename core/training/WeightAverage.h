#pragma once
#include "models/Classifier.h"

#include <cstdint>

namespace studio {

/// An exponential moving average of a model's weights (Polyak averaging, as TensorFlow's
/// ExponentialMovingAverage and timm's ModelEma keep it): after every optimisation step
/// `average = d·average + (1 − d)·weights` for every parameter and floating-point buffer (BatchNorm
/// statistics), with `d = min(decay, (1 + n) / (10 + n))` after n earlier updates, so that the early
/// average is not dominated by the random initialisation. Whole-number buffers are copied.
class WeightAverage {
public:
    /// Starts as a copy of `model` (same architecture, layout and values), in eval mode.
    WeightAverage(const Classifier& model, double decay);

    /// One update from `model` (the same architecture), `updates` being the number of updates
    /// before this one (the run's global step: a resumed run continues the same sequence).
    void update(const Classifier& model, std::int64_t updates);

    /// The decay used for the update after `updates` earlier ones.
    double decayAt(std::int64_t updates) const;

    const Classifier& model() const { return m_average; }

private:
    Classifier m_average;
    double m_decay;
};

} // namespace studio
