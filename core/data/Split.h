#pragma once
#include "data/Dataset.h"

#include <torch/types.h>

#include <cstdint>

namespace studio {

/// Indices of a seeded train/validation split.
struct SplitIndices {
    torch::Tensor train;      ///< int64, ascending
    torch::Tensor validation; ///< int64, ascending
};

/// Splits [0, count) at random: round(count × validationFraction) indices go to validation.
/// The same (count, fraction, seed) always gives the same split, on every platform (our own
/// Fisher–Yates over splitmix64, not std::shuffle).
SplitIndices splitTrainValidation(std::int64_t count, double validationFraction, std::uint64_t seed);

/// The training and validation images a run uses: the first `limitTrain` training images (0: all),
/// split by `validationFraction` and `seed` (a run's limit_train, val_fraction and seed).
struct TrainingSets {
    LabeledImages train;
    LabeledImages validation;
};
TrainingSets trainingSets(const Dataset& dataset, std::int64_t limitTrain, double validationFraction,
                          std::uint64_t seed);

/// A seeded permutation of [0, count) as int64 (same generator as the split).
torch::Tensor seededPermutation(std::int64_t count, std::uint64_t seed);

} // namespace studio
