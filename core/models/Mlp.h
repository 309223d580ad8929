#pragma once
#include "models/Classifier.h"
#include "models/Layers.h"

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace studio {

struct MlpOptions {
    TORCH_ARG(double, dropout) = 0.2; ///< after the first hidden layer; 0: none
    TORCH_ARG(Activation, activation) = Activation::ReLU;
    TORCH_ARG(int64_t, num_classes) = 10;
};

/// Seed 002's MLP: 784-512-act-Dropout(0.2)-256-act-10 (535,818 parameters), ReLU or Sigmoid.
class MlpImpl : public torch::nn::Cloneable<MlpImpl>, public ClassifierImpl {
public:
    explicit MlpImpl(const MlpOptions& options = {});
    void reset() override;
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;

    MlpOptions options;

private:
    torch::nn::Sequential m_fc1{nullptr}, m_fc2{nullptr};
    layers::Linear m_out{nullptr};
};
TORCH_MODULE(Mlp);

} // namespace studio
