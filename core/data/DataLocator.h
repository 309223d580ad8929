#pragma once
#include <string>
#include <vector>

namespace studio {

/// Where the dataset was looked for, in order, and the first folder that holds one.
struct DataLocation {
    std::string folder;                ///< empty when none was found
    std::vector<std::string> searched; ///< "DIR (from --data)" etc., in lookup order

    bool found() const { return !folder.empty(); }
    /// One message saying where we looked and how to fetch the data.
    std::string missingMessage() const;
};

/// Resolves the data folder: `flagValue` (--data) > $MNIST_STUDIO_DATA > the folder
/// scripts/setup.sh fills > $XDG_DATA_HOME/mnist-studio/mnist (~/.local/share/...).
/// An explicitly named folder (flag or variable) is final: it is not silently skipped.
DataLocation locateData(const std::string& flagValue = {});

/// Debian's dataset-fashion-mnist folder.
constexpr const char* kDebianFashionFolder = "/usr/share/datasets/fashion-mnist";

/// A folder where the studio looks for datasets, with where it came from.
struct DataFolder {
    std::string folder;
    std::string origin; ///< "from --data", "from MNIST_STUDIO_DATA", "filled by scripts/setup.sh", …
};

/// The data locations the studio knows besides --data, in lookup order: $MNIST_STUDIO_DATA (when
/// set), the set-up folder, $XDG_DATA_HOME/mnist-studio/mnist and Debian's Fashion-MNIST. Used to
/// find the data a run was trained on.
std::vector<DataFolder> knownDataFolders();

} // namespace studio
