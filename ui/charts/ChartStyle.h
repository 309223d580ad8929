#pragma once
#include "SeriesBuffer.h"

#include <QList>
#include <QString>

class QAbstractAxis;
class QChart;
class QFont;
class QPalette;
class QValueAxis;

namespace studio::ui {

/// The axis title for an x axis.
QString axisTitle(XAxis axis);
/// A position on an x axis as the readout says it ("step 1,234", "epoch 2.50", "1:05").
QString formatX(XAxis axis, double x);
/// A 1-2-5 step giving about `ticks` intervals over `span`.
double niceStep(double span, double ticks);
/// A value axis range: the data padded by 6 %, rounded out to a 1-2-5 step (about five ticks),
/// and kept within what the quantity can take (`lowest`/`highest`, NaN: free) when the data is; a
/// flat series above `lowest` spans from it.
struct ValueRange {
    double low = 0, high = 1, step = 0.2;
};
ValueRange niceRange(double dataMin, double dataMax, double lowest, double highest);

/// Sets a value axis's range and dynamic tick interval (anchored at 0) in the order that never
/// lays out thousands of ticks: a coarser interval before a wider range, a finer one after.
void setRangeAndInterval(QValueAxis* axis, double low, double high, double interval);

/// Colours a chart, its legend and axes from a palette (light or dark), with a bold title.
void applyChartPalette(QChart* chart, const QList<QAbstractAxis*>& axes, const QPalette& palette, const QFont& font);

} // namespace studio::ui
