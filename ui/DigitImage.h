#pragma once
#include <QImage>

#include <cstdint>

namespace studio::ui {

/// A copy of one 28×28 digit (row-major uint8 pixels) as a grayscale image.
QImage digitImage(const std::uint8_t* pixels);

} // namespace studio::ui
