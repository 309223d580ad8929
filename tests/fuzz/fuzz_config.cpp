// Config JSON on any bytes: a config, or a StudioError; a config that validates round-trips.
#include "training/TrainConfig.h"
#include "util/StudioError.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto doc = QJsonDocument::fromJson(QByteArray(reinterpret_cast<const char*>(data), qsizetype(size)));
    if (!doc.isObject())
        return 0;
    try {
        std::vector<std::string> ignored;
        const auto config = studio::configFromJson(doc.object(), &ignored);
        studio::validateConfig(config);
        if (!(studio::configFromJson(studio::configToJson(config)) == config))
            std::abort(); // what is saved is what is read back
    } catch (const studio::StudioError&) {
    }
    return 0;
}
