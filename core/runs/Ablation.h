#pragma once
#include "runs/RunStore.h"
#include "training/TrainConfig.h"

#include <QString>

#include <string>
#include <vector>

namespace studio {

/// One configuration of a study; every variant shares the base's seed and budget.
struct AblationVariant {
    std::string name; ///< "resnet", "aug on", "learning_rate=0.01", …
    TrainConfig config;
};

/// A set of runs that differ in one respect.
struct AblationStudy {
    std::string id; ///< "residual", "augmentation", "activation" or "custom"
    std::string description;
    std::vector<AblationVariant> variants; ///< the first is the base the others are compared with
    double targetAccuracy = 0.97;          ///< for "epochs to reach it" (seed 002 reports 97 %)
};

/// The built-in studies from the seeds: residual (resnet vs plain-cnn, seed 000), augmentation
/// (on vs off), activation (mlp ReLU vs Sigmoid, seed 002).
std::vector<std::string> builtInStudyIds();
/// The preset a built-in study starts from ("seed000-resnet", "fast", "seed002-mlp").
std::string builtInStudyPreset(const std::string& id);
/// Builds a built-in study over `base` (its seed, epochs, limits and schedule are kept; only the
/// studied aspect changes). Throws StudioError listing the ids when unknown.
AblationStudy builtInStudy(const std::string& id, const TrainConfig& base);
/// `base` plus one field set to each of `values` (throws StudioError naming a bad field or value).
AblationStudy customStudy(const TrainConfig& base, const std::string& field, const std::vector<std::string>& values);

/// A row of a study's result table.
struct AblationRow {
    std::string variant;
    std::int64_t runId = 0;
    std::string model;
    std::int64_t parameters = 0;
    double bestValAccuracy = 0;
    double testAccuracy = -1;
    int epochsToTarget = 0; ///< first epoch whose validation accuracy reached the target; 0: never
    int epochs = 0;
    double seconds = 0;
    double testDifference = 0; ///< test accuracy minus the base's, in points
};

/// The first epoch (1-based) whose validation accuracy is ≥ target, or 0.
int epochsToReach(const std::vector<EpochRecord>& history, double target);

/// Rows in variant order; differences against the first.
std::vector<AblationRow> ablationTable(const std::vector<std::string>& variants, const std::vector<RunRecord>& runs,
                                       const std::vector<std::vector<EpochRecord>>& histories, double target);

/// variant,run,model,params,best_val_acc,test_acc,epochs_to_target,epochs,seconds,test_diff_points (atomic).
void writeAblationCsv(const QString& path, const std::vector<AblationRow>& rows, double target);

} // namespace studio
