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

/// Matplotlib's viridis at t in [0, 1] (dark purple → yellow): a value scale that stays readable
/// in grey and to colour-blind eyes; runs coloured by a metric or a numeric field.
inline QColor viridis(double t)
{
    static const QColor stops[] = {
        {0x44, 0x01, 0x54}, {0x3b, 0x52, 0x8b}, {0x21, 0x91, 0x8c}, {0x5e, 0xc9, 0x62}, {0xfd, 0xe7, 0x25}};
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const double at = t * 4;
    const int i = at >= 4 ? 3 : int(at);
    const double f = at - i;
    const auto mix = [f](int a, int b) { return int(a + (b - a) * f + 0.5); };
    return {mix(stops[i].red(), stops[i + 1].red()), mix(stops[i].green(), stops[i + 1].green()),
            mix(stops[i].blue(), stops[i + 1].blue())};
}

/// Tableau 10 (matplotlib's tab10), colour k cycling past ten: classes, runs.
inline QColor category(int k)
{
    static const QColor palette[] = {{0x1f, 0x77, 0xb4}, {0xff, 0x7f, 0x0e}, {0x2c, 0xa0, 0x2c}, {0xd6, 0x27, 0x28},
                                     {0x94, 0x67, 0xbd}, {0x8c, 0x56, 0x4b}, {0xe3, 0x77, 0xc2}, {0x7f, 0x7f, 0x7f},
                                     {0xbc, 0xbd, 0x22}, {0x17, 0xbe, 0xcf}};
    return palette[(k % 10 + 10) % 10];
}
} // namespace colors

} // namespace studio::ui
