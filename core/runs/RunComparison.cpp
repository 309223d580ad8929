#include "runs/RunComparison.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

namespace studio {

std::vector<ConfigDiffRow> configDiff(const std::vector<TrainConfig>& configs)
{
    std::vector<QJsonObject> json;
    for (const auto& c : configs)
        json.push_back(configToJson(c)); // choices spelled out
    std::vector<ConfigDiffRow> rows;
    for (const auto& field : configFields()) {
        if (QString(field.key) == "name")
            continue;
        ConfigDiffRow row;
        row.key = field.key;
        for (const auto& o : json) {
            const QJsonValue v = o.value(row.key);
            row.values.append(v.isString() ? v.toString()
                              : v.isBool() ? (v.toBool() ? "true" : "false")
                                           : QString::number(v.toDouble(), 'g', 10));
        }
        for (const auto& v : row.values)
            row.differs = row.differs || v != row.values.front();
        rows.push_back(row);
    }
    return rows;
}

SampleSummary summarise(const std::vector<double>& values)
{
    SampleSummary s;
    s.n = int(values.size());
    if (s.n == 0)
        return s;
    for (double v : values)
        s.mean += v;
    s.mean /= s.n;
    if (s.n > 1) {
        double squares = 0;
        for (double v : values)
            squares += (v - s.mean) * (v - s.mean);
        s.std = std::sqrt(squares / (s.n - 1));
    }
    return s;
}

SpreadComparison compareSpread(const SampleSummary& a, const SampleSummary& b)
{
    SpreadComparison c;
    c.difference = a.mean - b.mean;
    c.comparable = a.n >= 2 && b.n >= 2;
    if (!c.comparable)
        return c;
    c.standardError = std::sqrt(a.std * a.std / a.n + b.std * b.std / b.n);
    c.exceedsSpread = std::abs(c.difference) > 2 * c.standardError;
    return c;
}

double finalAccuracy(const RunRecord& run)
{
    return run.testAccuracy >= 0 ? run.testAccuracy : run.bestValAccuracy;
}

std::vector<SeedGroup> seedGroups(const std::vector<RunRecord>& runs)
{
    std::vector<SeedGroup> groups;
    std::vector<QByteArray> keys;
    for (const auto& run : runs) {
        QJsonObject json = configToJson(run.config);
        json.remove("seed");
        json.remove("name");
        json.remove("threads"); // speed, not the result
        const QByteArray key =
            QByteArray::fromStdString(run.data.key()) + ' ' + QJsonDocument(json).toJson(QJsonDocument::Compact);
        auto it = std::find(keys.begin(), keys.end(), key);
        if (it == keys.end()) {
            keys.push_back(key);
            groups.push_back({run.config, run.data.name, {}, {}, {}});
            it = keys.end() - 1;
        }
        auto& g = groups[std::size_t(it - keys.begin())];
        g.runIds.push_back(run.id);
        g.accuracies.push_back(finalAccuracy(run));
    }
    for (auto& g : groups)
        g.summary = summarise(g.accuracies);
    return groups;
}

} // namespace studio
