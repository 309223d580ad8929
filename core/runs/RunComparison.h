#pragma once
#include "runs/RunStore.h"
#include "training/TrainConfig.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace studio {

/// One config field across several runs.
struct ConfigDiffRow {
    QString key;
    QStringList values; ///< one per config, as the JSON shows it
    bool differs = false;
};

/// Every config field (in the config table's order) with each config's value; `differs` marks the
/// fields whose values are not all equal. The run name is not a hyperparameter and is left out.
std::vector<ConfigDiffRow> configDiff(const std::vector<TrainConfig>& configs);

/// Mean and sample standard deviation (n − 1; 0 for one value).
struct SampleSummary {
    int n = 0;
    double mean = 0, std = 0;
};
SampleSummary summarise(const std::vector<double>& values);

/// Whether two configs differ by more than their seed-to-seed spread: Welch's standard error of
/// the difference of means, SE = √(s₁²/n₁ + s₂²/n₂); the difference "exceeds the spread" when
/// |mean₁ − mean₂| > 2 · SE (≈ 95 % for normal scores). Needs n ≥ 2 on both sides.
struct SpreadComparison {
    double difference = 0; ///< a.mean − b.mean
    double standardError = 0;
    bool comparable = false; ///< both have at least two runs
    bool exceedsSpread = false;
};
SpreadComparison compareSpread(const SampleSummary& a, const SampleSummary& b);

/// Runs trained on the same data (DatasetInfo::key) whose configs are identical but for the seed (and
/// the name and thread count): one group per dataset and config, in order of first appearance.
struct SeedGroup {
    TrainConfig config;  ///< the first run's
    std::string dataset; ///< the data's name
    std::vector<std::int64_t> runIds;
    std::vector<double> accuracies; ///< finalAccuracy of each run
    SampleSummary summary;
};
std::vector<SeedGroup> seedGroups(const std::vector<RunRecord>& runs);

/// The accuracy a run is judged by: its test accuracy once evaluated, else its best validation
/// accuracy.
double finalAccuracy(const RunRecord& run);

} // namespace studio
