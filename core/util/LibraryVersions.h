#pragma once
#include <QJsonObject>

#include <string>

namespace studio {

/// Versions of the libraries the engine was built against, for About boxes and reports.
std::string libtorchVersion(); ///< e.g. "1.13.1"
std::string opencvVersion();   ///< e.g. "4.6.0"

/// What a run and its checkpoints record of the software that made them:
/// {"mnist_studio": "0.1.0", "libtorch": "1.13.1"}.
QJsonObject runVersions();

} // namespace studio
