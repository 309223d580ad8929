#pragma once
#include <QColor>

namespace studio::ui {

/// The studio's chart colours, one meaning each, so every chart and the report agree.
namespace colors {
inline const QColor train{0x1f, 0x77, 0xb4}; ///< training curves
inline const QColor validation{
    0xe8, 0x6a, 0x10}; ///< validation curves; also the highlight (predicted class, high-confidence errors)
inline const QColor rate{0x2c, 0xa0, 0x2c};    ///< learning rate; accuracy after temperature scaling
inline const QColor gap{0x94, 0x67, 0xbd};     ///< generalisation gap
inline const QColor correct{0x2f, 0x6d, 0xb5}; ///< correct predictions, accuracy bars, test accuracy
inline const QColor error{0xd9, 0x48, 0x01};   ///< errors, calibration gap
inline const QColor count{0x8a, 0x94, 0xa3};   ///< image counts
} // namespace colors

} // namespace studio::ui
