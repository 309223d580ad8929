#pragma once
#include <QImage>

#include <cstdint>

namespace studio::ui {

/// A copy of one 28×28 digit (row-major uint8 pixels) as a grayscale image.
QImage digitImage(const std::uint8_t* pixels);

/// A translucent heat map to paint over an image: `heat` is width×height row-major in [0, 1],
/// blue (cold, transparent) to red (hot, 55 % opaque) — Grad-CAM's usual colouring.
QImage heatOverlay(const float* heat, int width, int height);

} // namespace studio::ui
