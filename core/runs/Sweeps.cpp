#include "runs/Sweeps.h"

#include "models/ModelRegistry.h"
#include "util/StudioError.h"

namespace studio {

std::int64_t createSweep(RunStore& store, const QString& name, const SweepSpec& spec, const DatasetInfo& data)
{
    if (spec.metric != "val_acc" && spec.metric != "test_acc")
        throw StudioError("The sweep metric must be val_acc or test_acc, not " + spec.metric + ".");
    if (spec.metric == "val_acc" && spec.base.valFraction <= 0)
        throw StudioError("The sweep metric val_acc needs a validation split (val_fraction > 0).");
    const auto points = expandSweep(spec);
    std::vector<TrainConfig> configs;
    std::vector<std::int64_t> parameters;
    for (const auto& p : points) {
        configs.push_back(p.config);
        configs.back().name = (name + " " + QString::fromStdString(p.config.name)).trimmed().toStdString();
        const auto* model = findModel(p.config.model);
        if (!model)
            throw StudioError("Unknown architecture \"" + p.config.model + "\".");
        parameters.push_back(model->parameterCount());
    }
    return store.createSweep(name, toJson(spec), configs, parameters, data);
}

double sweepMetric(const RunRecord& run, const std::string& metric)
{
    if (run.status != "completed" && run.status != "early-stopped")
        return -1;
    if (metric == "test_acc")
        return run.testAccuracy;
    return run.bestEpoch > 0 ? run.bestValAccuracy : -1;
}

std::optional<RunRecord> bestSweepRun(const std::vector<RunRecord>& runs, const std::string& metric)
{
    std::optional<RunRecord> best;
    for (const auto& r : runs)
        if (sweepMetric(r, metric) >= 0 && (!best || sweepMetric(r, metric) > sweepMetric(*best, metric)))
            best = r;
    return best;
}

} // namespace studio
