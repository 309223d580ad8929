#include "util/LibraryVersions.h"

#include "util/BuildInfo.h"

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

QJsonObject runVersions()
{
    return {{"mnist_studio", STUDIO_VERSION}, {"libtorch", QString::fromStdString(libtorchVersion())}};
}

} // namespace studio
