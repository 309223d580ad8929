#include "DigitImage.h"

#include <QColor>

#include <algorithm>
#include <cstring>

namespace studio::ui {

QImage digitImage(const std::uint8_t* pixels)
{
    QImage image(28, 28, QImage::Format_Grayscale8);
    for (int row = 0; row < 28; ++row)
        std::memcpy(image.scanLine(row), pixels + row * 28, 28);
    return image;
}

QImage heatOverlay(const float* heat, int width, int height)
{
    QImage image(width, height, QImage::Format_ARGB32);
    for (int y = 0; y < height; ++y) {
        auto* row = reinterpret_cast<QRgb*>(image.scanLine(y));
        for (int x = 0; x < width; ++x) {
            const float h = std::clamp(heat[std::size_t(y) * std::size_t(width) + std::size_t(x)], 0.0f, 1.0f);
            row[x] = QColor::fromHsvF(0.66f * (1 - h), 1, 1, 0.55f * h).rgba();
        }
    }
    return image;
}

} // namespace studio::ui
