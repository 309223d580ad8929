#pragma once
#include <QRectF>
#include <QString>

#include <functional>
#include <utility>
#include <vector>

class QBrush;
class QPainter;
class QPalette;
class QPointF;
class QWidget;

namespace studio::ui {

/// The axes of a painted plot: maps data to pixels in a plot rectangle and draws grid, ticks and
/// titles in the palette's colours. y may be linear or log10(1 + y) (for counts).
struct PlotFrame {
    QRectF area;
    double xMin = 0, xMax = 1, yMin = 0, yMax = 1;
    bool logCounts = false;

    double px(double x) const { return area.left() + (x - xMin) / (xMax - xMin) * area.width(); }
    double py(double y) const;

    /// Grid lines and labels at `xTicks` and `yTicks`, axis titles, and the frame.
    void draw(QPainter& painter, const QPalette& palette, const std::vector<double>& xTicks,
              const std::vector<double>& yTicks, const QString& xTitle, const QString& yTitle,
              const std::function<QString(double)>& yLabel = {}) const;
};

/// Clears `widget` to the palette's base colour and draws a bold title centred on its first line;
/// returns the y where the legend line starts.
double beginPlot(QPainter& painter, const QWidget& widget, const QString& title);

/// A row of legend entries (a filled swatch and its label) starting at `at`, wrapping before
/// `right` when it is given.
void drawLegend(QPainter& painter, const QPalette& palette, QPointF at,
                const std::vector<std::pair<QString, QBrush>>& entries, double right = 0);

/// 1, 10, 100, … up to the first power of ten above `maximum` (ticks for log count axes).
std::vector<double> countTicks(double maximum);

} // namespace studio::ui
