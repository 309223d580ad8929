#pragma once
// What the bench programs share around their work: MNIST found as the studio finds it, and one
// clear line (not an abort) for a bad argument, a missing file or a damaged checkpoint.
#include "data/DataLocator.h"
#include "util/PlainMessage.h"
#include "util/StudioError.h"

#include <cstdio>
#include <exception>
#include <string>

namespace studio::bench {

/// The MNIST folder (MNIST_STUDIO_DATA, data/mnist, the user data folder); throws the locator's
/// message — where it looked and how to fetch the data — when there is none.
inline std::string mnistFolder()
{
    const auto location = locateData();
    if (!location.found())
        throw StudioError(location.missingMessage());
    return location.folder;
}

/// Runs a bench's body: an exception becomes one line on stderr, "NAME: message", and status 1.
template <typename Body> int guarded(const char* name, Body&& body)
{
    try {
        return body();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", name, plainMessage(e).c_str());
        return 1;
    }
}

} // namespace studio::bench
