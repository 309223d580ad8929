#include "data/DatasetSearch.h"

#include "data/DataLocator.h"
#include "util/StudioError.h"

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace studio {
namespace {

std::string canonicalFolder(const std::string& folder)
{
    std::error_code ec;
    const auto p = fs::weakly_canonical(fs::absolute(folder, ec), ec);
    return ec ? folder : p.string();
}

} // namespace

bool sameData(const DatasetInfo& recorded, const DatasetInfo& candidate)
{
    if (!recorded.fingerprint.empty())
        return recorded.fingerprint == candidate.fingerprint;
    return recorded.name == candidate.name && std::abs(recorded.mean - candidate.mean) < 5e-5 &&
           std::abs(recorded.std - candidate.std) < 5e-5;
}

std::shared_ptr<const Dataset> findDataset(const DatasetInfo& recorded, const DataSearch& search)
{
    for (const auto& d : search.loaded)
        if (d && sameData(recorded, *d))
            return d;

    std::vector<DataFolder> places;
    if (!recorded.folder.empty())
        places.push_back({recorded.folder, "recorded with the run"});
    places.insert(places.end(), search.folders.begin(), search.folders.end());
    for (auto& f : knownDataFolders())
        places.push_back(std::move(f));

    std::vector<std::string> seen, report;
    for (const auto& place : places) {
        const auto canonical = canonicalFolder(place.folder);
        if (std::find(seen.begin(), seen.end(), canonical) != seen.end())
            continue;
        seen.push_back(canonical);
        std::string found;
        const DatasetInfo* known = nullptr; // a loaded dataset from this folder: no need to read it again
        for (const auto& d : search.loaded)
            if (d && canonicalFolder(d->folder) == canonical)
                known = d.get();
        if (known) {
            found = "holds " + known->describe();
        } else if (!holdsIdxDataset(place.folder)) {
            found = fs::exists(place.folder) ? "no IDX dataset there" : "does not exist";
        } else {
            try {
                auto d = std::make_shared<Dataset>(loadDataset(place.folder));
                if (sameData(recorded, *d))
                    return d;
                found = "holds " + d->describe();
            } catch (const StudioError& e) {
                found = e.what();
            }
        }
        report.push_back(place.folder + " (" + place.origin + "): " + found);
    }
    std::string m = "The data this model was trained on, " + recorded.describe() +
                    ", is in none of the data "
                    "locations. Looked in:";
    for (const auto& r : report)
        m += "\n  " + r;
    m += "\nPut a copy of that dataset in one of these folders or name its folder with --data (the studio never "
         "trains or scores a model on other data in its place).";
    throw StudioError(m);
}

} // namespace studio
