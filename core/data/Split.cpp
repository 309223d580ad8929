#include "data/Split.h"

#include "util/Seed.h"
#include "util/StudioError.h"

#include <cmath>

namespace studio {

torch::Tensor seededPermutation(std::int64_t count, std::uint64_t seed)
{
    auto perm = torch::arange(count, torch::kInt64);
    auto* p = perm.data_ptr<std::int64_t>();
    std::uint64_t state = seed;
    for (std::int64_t i = count - 1; i > 0; --i) {
        state = mixSeed(state, static_cast<std::uint64_t>(i));
        const auto j = static_cast<std::int64_t>(state % static_cast<std::uint64_t>(i + 1));
        std::swap(p[i], p[j]);
    }
    return perm;
}

SplitIndices splitTrainValidation(std::int64_t count, double validationFraction, std::uint64_t seed)
{
    if (!(validationFraction >= 0.0 && validationFraction < 1.0))
        throw StudioError("val_fraction must be in [0, 1), got " + std::to_string(validationFraction) + ".");
    const auto valCount = static_cast<std::int64_t>(std::llround(static_cast<double>(count) * validationFraction));
    const auto perm = seededPermutation(count, seed);
    return {std::get<0>(perm.slice(0, valCount).sort()), std::get<0>(perm.slice(0, 0, valCount).sort())};
}

TrainingSets trainingSets(const Dataset& dataset, std::int64_t limitTrain, double validationFraction,
                          std::uint64_t seed)
{
    const auto pool = dataset.train.head(limitTrain);
    const auto split = splitTrainValidation(pool.size(), validationFraction, seed);
    return {pool.select(split.train), pool.select(split.validation)};
}

} // namespace studio
