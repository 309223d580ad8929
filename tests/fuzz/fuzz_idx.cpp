// The IDX reader (raw and gzip, told apart by content) on any bytes: a tensor or a StudioError.
#include "FuzzInput.h"

#include "data/IdxReader.h"
#include "util/StudioError.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto path = studio::fuzz::writeInput(data, size, "input.idx").toStdString();
    try {
        const auto images = studio::readIdxImages(path);
        if (images.dim() != 3 || images.size(1) != 28 || images.size(2) != 28)
            std::abort(); // the reader promises N×28×28
    } catch (const studio::StudioError&) {
    }
    try {
        const auto labels = studio::readIdxLabels(path);
        if (labels.numel() > 0 && (labels.min().item<std::int64_t>() < 0 || labels.max().item<std::int64_t>() > 9))
            std::abort(); // and labels in [0, 10)
    } catch (const studio::StudioError&) {
    }
    return 0;
}
