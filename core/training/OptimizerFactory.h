#pragma once
#include "training/TrainConfig.h"

#include <torch/optim/optimizer.h>

#include <memory>

namespace studio {

/// The configured optimizer (SGD with momentum/nesterov, Adam with L2, AdamW with decoupled decay)
/// over `parameters`, starting at the schedule's first learning rate.
std::unique_ptr<torch::optim::Optimizer> makeOptimizer(const TrainConfig& config,
                                                       const std::vector<torch::Tensor>& parameters, double initialLr);

/// Sets the learning rate of every parameter group.
void setLearningRate(torch::optim::Optimizer& optimizer, double lr);

} // namespace studio
