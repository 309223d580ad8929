#include "DigitImage.h"

#include <cstring>

namespace studio::ui {

QImage digitImage(const std::uint8_t* pixels)
{
    QImage image(28, 28, QImage::Format_Grayscale8);
    for (int row = 0; row < 28; ++row)
        std::memcpy(image.scanLine(row), pixels + row * 28, 28);
    return image;
}

} // namespace studio::ui
