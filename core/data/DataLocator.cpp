#include "data/DataLocator.h"

#include "data/Dataset.h"
#include "data/FetchMnist.h"
#include "util/BuildInfo.h"

#include <cstdlib>

namespace studio {

std::string DataLocation::missingMessage() const
{
    std::string m = "No IDX dataset found. Looked in:\n";
    for (const auto& s : searched)
        m += "  " + s + "\n";
    m += "A dataset folder holds train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte "
         "and t10k-labels-idx1-ubyte (raw or .gz).\n"
         "Fetch MNIST with `mnist-studio-cli fetch-data` (into the user data folder; needs npm) or "
         "scripts/setup.sh --no-build, or point --data DIR or MNIST_STUDIO_DATA at such a folder (Fashion-MNIST: "
         "/usr/share/datasets/fashion-mnist from Debian's dataset-fashion-mnist).";
    return m;
}

std::vector<DataFolder> knownDataFolders()
{
    std::vector<DataFolder> out;
    if (const char* env = std::getenv("MNIST_STUDIO_DATA"); env && *env)
        out.push_back({env, "from MNIST_STUDIO_DATA"});
    out.push_back({STUDIO_SETUP_DATA_DIR, "filled by scripts/setup.sh"});
    if (const auto user = userDataFolder(); !user.empty())
        out.push_back({user, "user data folder"});
    out.push_back({kDebianFashionFolder, "Debian's dataset-fashion-mnist"});
    return out;
}

DataLocation locateData(const std::string& flagValue)
{
    DataLocation loc;
    auto tryFolder = [&](const std::string& folder, const std::string& origin) {
        loc.searched.push_back(folder + " (" + origin + ")");
        if (holdsIdxDataset(folder))
            loc.folder = folder;
        return loc.found();
    };
    if (!flagValue.empty()) {
        tryFolder(flagValue, "from --data");
        return loc;
    }
    if (const char* env = std::getenv("MNIST_STUDIO_DATA"); env && *env) {
        tryFolder(env, "from MNIST_STUDIO_DATA");
        return loc;
    }
    if (tryFolder(STUDIO_SETUP_DATA_DIR, "filled by scripts/setup.sh"))
        return loc;
    if (const auto user = userDataFolder(); !user.empty())
        tryFolder(user, "user data folder");
    return loc;
}

} // namespace studio
