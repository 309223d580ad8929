#pragma once
#include <string>

namespace studio {

/// Versions of the libraries the engine was built against, for About boxes and reports.
std::string libtorchVersion(); ///< e.g. "1.13.1"
std::string opencvVersion();   ///< e.g. "4.6.0"

} // namespace studio
