#include "ParallelAxes.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace studio::ui {
namespace {

QString categoryOf(const QJsonValue& v)
{
    if (v.isBool())
        return v.toBool() ? "true" : "false";
    return v.isDouble() ? QString::number(v.toDouble(), 'g', 6) : v.toString();
}

} // namespace

std::optional<double> ParallelAxis::position(const QJsonValue& v) const
{
    if (!numeric) {
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        const auto i = categories.indexOf(categoryOf(v));
        return i < 0 ? std::nullopt : std::optional<double>((i + 0.5) / double(categories.size()));
    }
    if (!v.isDouble() || (logScale && v.toDouble() <= 0))
        return std::nullopt;
    return positionOf(v.toDouble());
}

double ParallelAxis::positionOf(double value) const
{
    if (!numeric)
        return (value + 0.5) / double(categories.size());
    if (logScale)
        value = value > 0 ? std::log10(value) : low;
    return (value - low) / (high - low);
}

double ParallelAxis::valueAt(double t) const
{
    if (!numeric)
        return t * double(categories.size()) - 0.5;
    const double x = low + t * (high - low);
    return logScale ? std::pow(10.0, x) : x;
}

std::vector<ParallelAxis> parallelAxes(const QStringList& fields, const QString& metricName,
                                       const std::vector<ParallelRun>& runs)
{
    std::vector<ParallelAxis> axes(std::size_t(fields.size() + 1));
    for (int i = 0; i <= fields.size(); ++i) {
        ParallelAxis& a = axes[std::size_t(i)];
        const bool metric = i == fields.size();
        a.name = metric ? metricName : fields[i];
        std::vector<double> numbers;
        std::set<QString> categories;
        for (const auto& r : runs) {
            if (metric) {
                if (r.metric >= 0)
                    numbers.push_back(r.metric * 100);
                continue;
            }
            const QJsonValue& v = r.values.at(std::size_t(i));
            if (v.isDouble())
                numbers.push_back(v.toDouble());
            else if (!v.isUndefined() && !v.isNull())
                categories.insert(categoryOf(v));
        }
        a.numeric = metric || categories.empty();
        if (!a.numeric) {
            for (const auto& r : runs) // numbers among text values become categories too
                if (r.values.at(std::size_t(i)).isDouble())
                    categories.insert(categoryOf(r.values.at(std::size_t(i))));
            a.categories = QStringList(categories.begin(), categories.end());
            continue;
        }
        if (numbers.empty())
            continue;
        const auto [lo, hi] = std::minmax_element(numbers.begin(), numbers.end());
        a.logScale = !metric && *lo > 0 && *hi / *lo >= 10;
        const std::set<double> distinct(numbers.begin(), numbers.end());
        if (!metric && distinct.size() <= 6) // a grid axis: ticks at its values
            a.ticks.assign(distinct.begin(), distinct.end());
        a.low = a.logScale ? std::log10(*lo) : *lo;
        a.high = a.logScale ? std::log10(*hi) : *hi;
        if (a.high - a.low < 1e-12) { // one value: centred
            const double pad = a.logScale ? 0.5 : std::max(std::abs(a.low) * 0.1, metric ? 0.5 : 1e-3);
            a.low -= pad, a.high += pad;
        }
    }
    return axes;
}

} // namespace studio::ui
