#include "util/LibraryVersions.h"

#include "util/BuildCommit.h"
#include "util/BuildInfo.h"

#include <opencv2/core/version.hpp>
#include <torch/version.h>

namespace studio {

std::string studioCommit()
{
    return STUDIO_COMMIT;
}

std::string studioVersion()
{
    return std::string(STUDIO_VERSION) + " (git " + STUDIO_COMMIT + ")";
}

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
    return {{"mnist_studio", STUDIO_VERSION},
            {"commit", STUDIO_COMMIT},
            {"libtorch", QString::fromStdString(libtorchVersion())}};
}

} // namespace studio
