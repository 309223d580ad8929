#pragma once
#include "training/TrainConfig.h"

#include <cstdint>
#include <vector>

namespace studio {

/// Optimisation steps per epoch when `trainImagesAvailable` training images are on hand: the
/// first limit_train of them, less round(n · val_fraction) for validation, in batches of
/// batch_size (the last one partial). Lets the studio draw a schedule before training.
std::int64_t plannedBatchesPerEpoch(std::int64_t trainImagesAvailable, const TrainConfig& config);

/// The learning rate used for 0-based training step `step` (batches count across epochs):
///  constant       lr
///  step           lr · gamma^floor(step / (step_size · stepsPerEpoch))
///  warmup-cosine  W = warmup_epochs · stepsPerEpoch, T = num_epochs · stepsPerEpoch;
///                 step < W: lr · (step + 1) / W;  else lr · ½ (1 + cos(π (step − W) / (T − W)))
///  onecycle       PyTorch OneCycleLR (cos annealing, two phases): initial = max_lr / div_factor,
///                 min = initial / final_div_factor, rise over pct_start·T − 1 steps, then fall to
///                 min at step T − 1.
/// A pure function, so the studio can draw a schedule before training.
double learningRateAt(const TrainConfig& config, std::int64_t step, std::int64_t stepsPerEpoch);

/// learningRateAt for every step of the run (num_epochs · stepsPerEpoch values).
std::vector<double> learningRateSchedule(const TrainConfig& config, std::int64_t stepsPerEpoch);

} // namespace studio
