#include "runs/SweepSpace.h"

#include "util/StudioError.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>
#include <random>

namespace studio {
namespace {

constexpr std::size_t kMaxRuns = 10000;

const ConfigField& sweepField(const std::string& key, const std::string& text)
{
    const auto* f = findConfigField(key);
    if (!f)
        throw StudioError("Unknown config field \"" + key + "\" in \"" + text + "\".");
    if (key == "seed")
        throw StudioError("The seed is not an axis: use --seeds K for K seeds of every point.");
    if (key == "name")
        throw StudioError("The run name cannot be swept.");
    return *f;
}

std::pair<std::string, std::string> splitAssignment(const std::string& text)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw StudioError("\"" + text + "\" is not FIELD=VALUES.");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

double number(const std::string& text, const std::string& axis)
{
    bool ok = false;
    const double v = QString::fromStdString(text).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v))
        throw StudioError("\"" + text + "\" in \"" + axis + "\" is not a number.");
    return v;
}

/// A drawn value as text: integers for integer fields, else 3 significant digits.
std::string formatDraw(const ConfigField& f, double v)
{
    if (f.kind == ConfigField::Kind::Integer)
        return std::to_string(std::llround(v));
    return QString::number(v, 'g', 3).toStdString();
}

} // namespace

GridAxis parseGridAxis(const std::string& text)
{
    const auto [key, list] = splitAssignment(text);
    const auto& field = sweepField(key, text);
    GridAxis axis{key, {}};
    for (const auto& v : QString::fromStdString(list).split(',', Qt::SkipEmptyParts)) {
        TrainConfig probe;
        setConfigField(probe, field, v.trimmed()); // names the field and the bad value
        axis.values.push_back(v.trimmed().toStdString());
    }
    if (axis.values.empty())
        throw StudioError("\"" + text + "\" lists no values.");
    return axis;
}

RandomAxis parseRandomAxis(const std::string& text)
{
    auto [key, range] = splitAssignment(text);
    const auto& field = sweepField(key, text);
    if (field.kind != ConfigField::Kind::Real && field.kind != ConfigField::Kind::Integer)
        throw StudioError("\"" + key + "\" is not numeric: give its values with --grid instead.");
    RandomAxis axis{key};
    if (range.rfind("log:", 0) == 0) {
        axis.logScale = true;
        range = range.substr(4);
    }
    const auto dots = range.find("..");
    if (dots == std::string::npos)
        throw StudioError("\"" + text + "\" is not FIELD=LOW..HIGH or FIELD=log:LOW..HIGH.");
    axis.low = number(range.substr(0, dots), text);
    axis.high = number(range.substr(dots + 2), text);
    if (!(axis.low < axis.high))
        throw StudioError("\"" + text + "\": the low end must be below the high end.");
    if (axis.low < field.min || axis.high > field.max)
        throw StudioError("\"" + text + "\": " + key + " must stay within [" +
                          QString::number(field.min).toStdString() + ", " + QString::number(field.max).toStdString() +
                          "].");
    if (axis.logScale && axis.low <= 0)
        throw StudioError("\"" + text + "\": a log range must be above 0.");
    return axis;
}

std::vector<std::string> variedFields(const SweepSpec& spec)
{
    std::vector<std::string> out;
    for (const auto& a : spec.grid)
        out.push_back(a.field);
    if (spec.randomSamples > 0)
        for (const auto& a : spec.space)
            out.push_back(a.field);
    if (spec.seeds > 1)
        out.push_back("seed");
    return out;
}

std::vector<SweepPoint> expandSweep(const SweepSpec& spec)
{
    if (spec.seeds < 1 || spec.randomSamples < 0)
        throw StudioError("A sweep needs at least one seed and a non-negative number of random draws.");
    if (spec.randomSamples > 0 && spec.space.empty())
        throw StudioError("Random draws need at least one --space axis.");
    std::size_t total = std::size_t(spec.seeds) * std::size_t(std::max(spec.randomSamples, 1));
    for (const auto& a : spec.grid)
        if ((total *= a.values.size()) > kMaxRuns)
            break;
    if (total > kMaxRuns)
        throw StudioError("The sweep would make more than " + std::to_string(kMaxRuns) + " runs.");

    // The grid, the last axis varying fastest.
    std::vector<std::vector<std::pair<std::string, std::string>>> points{{}};
    for (const auto& axis : spec.grid) {
        std::vector<std::vector<std::pair<std::string, std::string>>> next;
        for (const auto& p : points)
            for (const auto& v : axis.values) {
                next.push_back(p);
                next.back().emplace_back(axis.field, v);
            }
        points = std::move(next);
    }
    if (spec.randomSamples > 0) {
        std::mt19937_64 rng(spec.base.seed);
        std::uniform_real_distribution<double> unit(0.0, 1.0);
        std::vector<std::vector<std::pair<std::string, std::string>>> drawn;
        for (const auto& p : points)
            for (int i = 0; i < spec.randomSamples; ++i) {
                drawn.push_back(p);
                for (const auto& a : spec.space) {
                    const double u = unit(rng);
                    const double v = a.logScale ? std::exp(std::log(a.low) + u * (std::log(a.high) - std::log(a.low)))
                                                : a.low + u * (a.high - a.low);
                    drawn.back().emplace_back(a.field, formatDraw(*findConfigField(a.field), v));
                }
            }
        points = std::move(drawn);
    }

    std::vector<SweepPoint> out;
    for (const auto& p : points)
        for (int s = 0; s < spec.seeds; ++s) {
            SweepPoint point{spec.base, {}};
            std::string name;
            for (const auto& [key, value] : p) {
                setConfigField(point.config, *findConfigField(key), QString::fromStdString(value));
                point.values[QString::fromStdString(key)] = findConfigField(key)->get(point.config);
                name += (name.empty() ? "" : " ") + key + "=" + value;
            }
            point.config.seed = spec.base.seed + std::uint64_t(s);
            if (spec.seeds > 1) {
                point.values["seed"] = qint64(point.config.seed);
                name += (name.empty() ? "" : " ") + std::string("seed=") + std::to_string(point.config.seed);
            }
            point.config.name = name.empty() ? spec.base.name : name;
            const auto problems = configProblems(point.config);
            if (!problems.empty())
                throw StudioError("Sweep point \"" + name + "\" is not a valid config: " + problems.front());
            out.push_back(std::move(point));
        }
    // An axis over a field every run ignores (learning_rate under onecycle, momentum with Adam)
    // would train the same model several times and read as "this field does not matter".
    std::vector<std::string> axes;
    for (const auto& a : spec.grid)
        axes.push_back(a.field);
    for (const auto& a : spec.space)
        axes.push_back(a.field);
    for (const auto& field : axes)
        if (std::none_of(out.begin(), out.end(),
                         [&](const SweepPoint& p) { return configFieldApplies(p.config, field); }))
            throw StudioError(field + " has no effect in any run of this sweep" +
                              (field == "learning_rate" ? std::string(": the onecycle scheduler's peak is max_lr")
                                                        : std::string(" (the rest of its configuration ignores it)")) +
                              ". Vary a field the runs use.");
    return out;
}

QJsonObject toJson(const SweepSpec& spec)
{
    QJsonArray grid, space;
    for (const auto& a : spec.grid) {
        QJsonArray values;
        for (const auto& v : a.values)
            values.append(QString::fromStdString(v));
        grid.append(QJsonObject{{"field", QString::fromStdString(a.field)}, {"values", values}});
    }
    for (const auto& a : spec.space)
        space.append(QJsonObject{
            {"field", QString::fromStdString(a.field)}, {"low", a.low}, {"high", a.high}, {"log", a.logScale}});
    return {{"base", configToJson(spec.base)}, {"grid", grid},        {"space", space},
            {"random", spec.randomSamples},    {"seeds", spec.seeds}, {"metric", QString::fromStdString(spec.metric)}};
}

SweepSpec sweepSpecFromJson(const QJsonObject& json)
{
    if (!json["base"].isObject() || !json["grid"].isArray() || !json["space"].isArray())
        throw StudioError("The sweep's record is damaged (no base config, grid or space).");
    SweepSpec spec;
    spec.base = configFromJson(json["base"].toObject());
    for (const auto& item : json["grid"].toArray()) {
        const auto a = item.toObject();
        GridAxis axis{a["field"].toString().toStdString(), {}};
        for (const auto& v : a["values"].toArray())
            axis.values.push_back(v.toString().toStdString());
        spec.grid.push_back(axis);
    }
    for (const auto& item : json["space"].toArray()) {
        const auto a = item.toObject();
        spec.space.push_back(
            {a["field"].toString().toStdString(), a["low"].toDouble(), a["high"].toDouble(), a["log"].toBool()});
    }
    spec.randomSamples = json["random"].toInt();
    spec.seeds = std::max(1, json["seeds"].toInt(1));
    spec.metric = json["metric"].toString("val_acc").toStdString();
    return spec;
}

} // namespace studio
