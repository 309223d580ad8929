#pragma once
#include "models/Classifier.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

namespace studio {

/// Seed 002's MLP: 784-512-act-Dropout(0.2)-256-act-10 (535,818 parameters), ReLU or Sigmoid.
class MlpImpl : public ClassifierImpl {
public:
    explicit MlpImpl(const ModelOptions& options);
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;

private:
    torch::nn::Sequential m_fc1{nullptr}, m_fc2{nullptr};
    torch::nn::Linear m_out{nullptr};
};

} // namespace studio
