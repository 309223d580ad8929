#pragma once
#include <QJsonObject>

#include <string>

namespace studio {

/// The studio's version and the git commit it was built from: "0.1.0 (git 1a2b3c4d5e6f)" — what
/// --version, the About box and reports show.
std::string studioVersion();
/// The commit alone ("unknown" when built outside a git checkout).
std::string studioCommit();

/// Versions of the libraries the engine was built against, for About boxes and reports.
std::string libtorchVersion(); ///< e.g. "1.13.1"
std::string opencvVersion();   ///< e.g. "4.6.0"

/// What a run and its checkpoints record of the software that made them:
/// {"mnist_studio": "0.1.0", "commit": "1a2b3c4d5e6f", "libtorch": "1.13.1"}.
QJsonObject runVersions();

} // namespace studio
