#pragma once
#include "data/DataLocator.h"
#include "data/Dataset.h"

#include <memory>
#include <string>
#include <vector>

namespace studio {

/// Where recorded data is looked for besides the folder the record names.
struct DataSearch {
    /// More places to look (--data, folders chosen in the window), before the known locations;
    /// a place to look, never a licence to use other data.
    std::vector<DataFolder> folders;
    /// Datasets already in memory (the Train page's): checked first, never loaded again.
    std::vector<std::shared_ptr<const Dataset>> loaded;
};

/// True when `candidate` is the data `recorded` describes: the same fingerprint, or for a record
/// without one (runs made before fingerprints) the same name and normalisation statistics.
bool sameData(const DatasetInfo& recorded, const DatasetInfo& candidate);

/// The dataset `recorded` describes: the first of search.loaded, the recorded folder,
/// search.folders and knownDataFolders() that holds the same data (sameData). Never returns other
/// data: throws StudioError naming the dataset, its fingerprint and every place it looked (with
/// what it found there).
std::shared_ptr<const Dataset> findDataset(const DatasetInfo& recorded, const DataSearch& search);

} // namespace studio
