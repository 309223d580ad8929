#include "util/LibraryVersions.h"

#include <opencv2/core/version.hpp>
#include <torch/version.h>

namespace studio {

std::string libtorchVersion()
{
    return TORCH_VERSION;
}

std::string opencvVersion()
{
    return CV_VERSION;
}

} // namespace studio
