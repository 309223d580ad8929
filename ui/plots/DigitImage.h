#pragma once
#include <QImage>

#include <cstdint>

namespace studio::ui {

/// The ui side of the one pixel-conversion rule (core's data/ImageTensor: bytes, cv::Mat and
/// tensors): every conversion copies.

/// A copy of width×height 8-bit pixels whose rows are `stride` bytes apart, as a grayscale image.
QImage grayImage(const std::uint8_t* pixels, int width, int height, int stride);
/// A copy of one 28×28 digit (row-major uint8 pixels) as a grayscale image.
QImage digitImage(const std::uint8_t* pixels);
/// Any image as 8-bit grayscale, transparency composited on white paper.
QImage grayOnWhite(const QImage& image);
/// An image file (PNG, JPG, BMP, …) as grayOnWhite. The header is read first: an image above 100
/// megapixels is refused with its size, one larger than 2048 pixels a side is scaled down while
/// decoding (a digit needs 28 × 28; Qt would refuse to allocate more than 128 MB). Throws
/// StudioError naming the file and the reason.
QImage readGrayImage(const QString& path);

/// A translucent heat map to paint over an image: `heat` is width×height row-major in [0, 1],
/// blue (cold, transparent) to red (hot, 55 % opaque) — Grad-CAM's usual colouring.
QImage heatOverlay(const float* heat, int width, int height);

} // namespace studio::ui
