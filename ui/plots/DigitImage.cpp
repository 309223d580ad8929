#include "DigitImage.h"

#include "util/StudioError.h"

#include <QColor>
#include <QFileInfo>
#include <QImageReader>
#include <QPainter>

#include <algorithm>
#include <cstring>

namespace studio::ui {

QImage grayImage(const std::uint8_t* pixels, int width, int height, int stride)
{
    QImage image(width, height, QImage::Format_Grayscale8);
    for (int row = 0; row < height; ++row)
        std::memcpy(image.scanLine(row), pixels + std::ptrdiff_t(row) * stride, std::size_t(width));
    return image;
}

QImage digitImage(const std::uint8_t* pixels)
{
    return grayImage(pixels, 28, 28, 28);
}

QImage grayOnWhite(const QImage& image)
{
    if (!image.hasAlphaChannel())
        return image.convertToFormat(QImage::Format_Grayscale8);
    QImage flat(image.size(), QImage::Format_RGB32);
    flat.fill(Qt::white);
    QPainter(&flat).drawImage(0, 0, image);
    return flat.convertToFormat(QImage::Format_Grayscale8);
}

QImage readGrayImage(const QString& path)
{
    constexpr qint64 kMaxPixels = 100'000'000; // 10000 × 10000
    constexpr int kDecodeSide = 2048;
    if (!QFileInfo(path).isFile())
        throw StudioError("Cannot read image " + path.toStdString() + ": there is no such file.");
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (!size.isValid() && !reader.canRead())
        throw StudioError("Cannot read image " + path.toStdString() + ": " + reader.errorString().toStdString() +
                          " (PNG, JPG, BMP, … are read).");
    if (qint64(size.width()) * size.height() > kMaxPixels)
        throw StudioError("Image " + path.toStdString() + " is " + std::to_string(size.width()) + " × " +
                          std::to_string(size.height()) + " pixels; images of up to 100 megapixels are read.");
    if (std::max(size.width(), size.height()) > kDecodeSide)
        reader.setScaledSize(size.scaled(kDecodeSide, kDecodeSide, Qt::KeepAspectRatio));
    QImageReader::setAllocationLimit(512); // MB: an unscaled decode of 100 megapixels
    const QImage image = reader.read();
    if (image.isNull())
        throw StudioError("Cannot read image " + path.toStdString() + ": " + reader.errorString().toStdString() + ".");
    return grayOnWhite(image);
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
