// Image decoding and the canvas preprocessing on any bytes: a 28×28 input, or a StudioError.
#include "FuzzInput.h"

#include "DigitImage.h"
#include "data/ImageTensor.h"
#include "inference/CanvasPreprocessor.h"
#include "util/StudioError.h"

#include <QGuiApplication>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    static QGuiApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto path = studio::fuzz::writeInput(data, size, "input.img");
    try {
        const QImage gray = studio::ui::readGrayImage(path);
        const auto mat =
            studio::matFromBytes(gray.constBits(), gray.height(), gray.width(), std::size_t(gray.bytesPerLine()));
        const auto r = studio::CanvasPreprocessor::process(mat);
        if (r.image.rows != 28 || r.image.cols != 28)
            std::abort();
    } catch (const studio::StudioError&) {
    }
    return 0;
}
