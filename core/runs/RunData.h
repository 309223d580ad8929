#pragma once
#include "data/DatasetSearch.h"
#include "runs/RunStore.h"

#include <memory>

namespace studio {

/// What run `id` was trained on: the store's record or, for a run from before dataset records,
/// the name it recorded with the normalisation statistics of its checkpoint. Throws StudioError
/// when the run does not exist.
DatasetInfo recordedData(const RunStore& store, std::int64_t id);

/// The data run `id` was trained on (findDataset over recordedData): resume, evaluate, report and
/// the pages use it instead of whatever data is loaded. A run from before dataset records gets its
/// record filled in the first time its data is found. Throws StudioError naming the dataset, its
/// fingerprint and where it looked when the data cannot be found.
std::shared_ptr<const Dataset> runDataset(RunStore& store, std::int64_t id, const DataSearch& search);

} // namespace studio
