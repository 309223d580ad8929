#include "SeriesBuffer.h"

#include <QTextStream>

#include <algorithm>
#include <cmath>

namespace studio::ui {

std::vector<double> SeriesBuffer::smoothed(double weight) const
{
    std::vector<double> out;
    out.reserve(m_points.size());
    double last = 0.0;
    int count = 0;
    for (const auto& p : m_points) {
        if (weight <= 0.0 || !std::isfinite(p.value)) {
            out.push_back(p.value);
            continue;
        }
        last = last * weight + (1.0 - weight) * p.value;
        ++count;
        out.push_back(last / (1.0 - std::pow(weight, count)));
    }
    return out;
}

QList<QPointF> SeriesBuffer::display(XAxis axis, double weight, int columns, double xMin, double xMax,
                                     bool logScale) const
{
    const auto values = smoothed(weight);
    QList<QPointF> out;
    const double span = xMax - xMin;
    columns = std::max(1, columns);
    // Per column: the indices of its smallest and largest value, emitted in x order when the
    // column closes.
    long column = -1;
    QPointF low, high;
    bool open = false;
    const auto flush = [&] {
        if (!open)
            return;
        if (low == high)
            out.append(low);
        else if (low.x() <= high.x())
            out << low << high;
        else
            out << high << low;
        open = false;
    };
    for (std::size_t i = 0; i < m_points.size(); ++i) {
        const double x = m_points[i].x(axis);
        const double y = values[i];
        if (!std::isfinite(x) || !std::isfinite(y) || (logScale && y <= 0.0))
            continue;
        const long c =
            span > 0 ? std::clamp(static_cast<long>(std::floor((x - xMin) / span * columns)), 0L, long(columns - 1))
                     : 0;
        const QPointF p(x, y);
        if (!open || c != column) {
            flush();
            column = c;
            low = high = p;
            open = true;
            continue;
        }
        if (y < low.y())
            low = p;
        if (y > high.y())
            high = p;
    }
    flush();
    return out;
}

void SeriesBuffer::writeCsv(QTextStream& out, const QString& name, double weight) const
{
    const auto number = [](double v) { return std::isfinite(v) ? QString::number(v, 'g', 10) : QString(); };
    const auto smooth = smoothed(weight);
    for (std::size_t i = 0; i < m_points.size(); ++i)
        out << '"' << name << "\"," << number(m_points[i].step) << ',' << number(m_points[i].epoch) << ','
            << number(m_points[i].seconds) << ',' << number(m_points[i].value) << ',' << number(smooth[i]) << '\n';
}

} // namespace studio::ui
