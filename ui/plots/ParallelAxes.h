#pragma once
#include <QJsonValue>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

namespace studio::ui {

/// One run as a line through the axes: its value on each field axis and its metric (< 0: none yet).
struct ParallelRun {
    qint64 id = 0;
    QString label;
    std::vector<QJsonValue> values; ///< one per field, numbers or strings/booleans
    double metric = -1;             ///< a fraction (0.9912), shown in %
};

/// One axis of parallel coordinates and its scale: numeric (linear, or log10 when the values span
/// a decade or more; a grid's few values as its ticks) or categorical (text and booleans, in
/// order), with the range a brush holds. Positions run from 0 (bottom) to 1 (top).
struct ParallelAxis {
    QString name;
    bool numeric = true, logScale = false;
    double low = 0, high = 1; ///< numeric range (log10 when logScale)
    QStringList categories;
    std::vector<double> ticks;                      ///< a grid axis's values (empty: evenly spaced ticks)
    std::optional<std::pair<double, double>> brush; ///< in axis values (categories: positions 0, 1, …)

    /// Where `v` lies; nullopt for a value the axis cannot show (none, text on a numeric axis, ≤ 0 on a log one).
    std::optional<double> position(const QJsonValue& v) const;
    /// Where axis value `value` lies (a category's index on a categorical axis), clamped for a log axis.
    double positionOf(double value) const;
    /// The axis value at position t (a category index on a categorical axis).
    double valueAt(double t) const;
};

/// The axes for `runs`: one per field (values[i]) and a last one for the metric, in %.
std::vector<ParallelAxis> parallelAxes(const QStringList& fields, const QString& metricName,
                                       const std::vector<ParallelRun>& runs);

} // namespace studio::ui
