#pragma once
#include "training/TrainConfig.h"

#include <QJsonObject>

#include <string>
#include <vector>

namespace studio {

/// A grid axis: one config field and the values it takes ("learning_rate=1e-3,3e-3,1e-2").
struct GridAxis {
    std::string field;
    std::vector<std::string> values;
};

/// A random axis: a field drawn uniformly from [low, high] ("dropout_rate=0..0.5"), or
/// log-uniformly ("weight_decay=log:1e-6..1e-3"); integer fields are rounded.
struct RandomAxis {
    std::string field;
    double low = 0, high = 0;
    bool logScale = false;
};

/// What a sweep searches: every grid point, `randomSamples` draws of the random axes at each (none:
/// the grid alone), each trained with `seeds` seeds (base seed, +1, …). Draws come from the base
/// seed, so the same spec always expands to the same runs.
struct SweepSpec {
    TrainConfig base;
    std::vector<GridAxis> grid;
    std::vector<RandomAxis> space;
    int randomSamples = 0;
    int seeds = 1;
    std::string metric = "val_acc"; ///< what "best" means: val_acc or test_acc
};

/// One run of a sweep: its config and the values of the varied fields (seed included).
struct SweepPoint {
    TrainConfig config;
    QJsonObject values;
};

/// Parses "field=v1,v2,…" (throws StudioError naming the field or the value).
GridAxis parseGridAxis(const std::string& text);
/// Parses "field=low..high" or "field=log:low..high" (throws StudioError naming the problem).
RandomAxis parseRandomAxis(const std::string& text);

/// The fields a sweep varies, in axis order, then "seed" when there are several seeds.
std::vector<std::string> variedFields(const SweepSpec& spec);
/// Every run of the sweep, each config validated (throws StudioError naming the first invalid
/// point, or a sweep of more than 10,000 runs).
std::vector<SweepPoint> expandSweep(const SweepSpec& spec);

/// The spec as the store keeps it, and back (throws StudioError for a malformed record).
QJsonObject toJson(const SweepSpec& spec);
SweepSpec sweepSpecFromJson(const QJsonObject& json);

} // namespace studio
