#pragma once
#include "training/TrainConfig.h"

#include <string>
#include <vector>

namespace studio {

/// A named recipe: the seeds' training set-ups, plus a fast one.
struct Preset {
    std::string id;
    std::string description;
    TrainConfig config;
};

/// fast, seed000-resnet, seed001-deeper, seed002-mlp, seed003-tiny, seed004-simple.
const std::vector<Preset>& presets();
/// The preset with this id, or nullptr.
const Preset* findPreset(const std::string& id);

} // namespace studio
