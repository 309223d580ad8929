#pragma once
#include "models/Classifier.h"

#include <functional>
#include <string>
#include <vector>

namespace studio {

/// One architecture the studio can train.
struct ModelInfo {
    std::string id; ///< stable key used in configs, checkpoints and the CLI
    std::string displayName;
    std::string description;          ///< one line
    std::string seed;                 ///< which seed project it comes from
    bool hasActivationChoice = false; ///< honours ModelOptions::activation (ReLU or Sigmoid)
    std::function<Classifier(const ModelOptions&)> build;

    /// Number of parameters with default options (builds the model once).
    std::int64_t parameterCount() const;
};

/// Every registered architecture, in the order the studio lists them.
const std::vector<ModelInfo>& modelRegistry();

/// The architecture with this id, or nullptr.
const ModelInfo* findModel(const std::string& id);

/// Puts 4-D (convolution) weights in channels-last layout: oneDNN's NHWC kernels ran the 10k
/// evaluation 1.8× faster on this class of CPU. Results are unchanged (layouts are physical only).
void useChannelsLast(torch::nn::Module& module);

/// Builds `id` in channels-last layout (throws StudioError listing the known ids when unknown).
Classifier buildModel(const std::string& id, const ModelOptions& options = {});

/// Total number of parameter elements of a module.
std::int64_t countParameters(const torch::nn::Module& module);

/// All ids, comma separated (for messages and --help).
std::string modelIdList();

} // namespace studio
