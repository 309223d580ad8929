#pragma once
#include "models/Classifier.h"
#include "models/Layers.h"

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace studio {

struct DeeperCnnOptions {
    TORCH_ARG(double, dropout) = 0.5; ///< after the dense layer; each conv block drops half of it
    TORCH_ARG(Activation, activation) = Activation::ReLU;
    TORCH_ARG(int64_t, num_classes) = 10;
};

/// Seed 001's "Deeper CNN" (BatchNorm + dropout): three blocks of two 3×3 conv+BN+act (32, 64,
/// 128 channels, same padding) each closed by 2×2 max-pool and Dropout(dropout/2), then
/// FC 1152→192 + BN + act + Dropout(dropout), FC 192→10. 511,018 parameters (the seed reports
/// 523,978 without publishing its layers).
class DeeperCnnImpl : public torch::nn::Cloneable<DeeperCnnImpl>, public ClassifierImpl {
public:
    explicit DeeperCnnImpl(const DeeperCnnOptions& options = {});
    void reset() override;
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "block3"; }

    DeeperCnnOptions options;

private:
    torch::nn::Sequential m_block1{nullptr}, m_block2{nullptr}, m_block3{nullptr}, m_fc1{nullptr};
    layers::Linear m_fc2{nullptr};
};
TORCH_MODULE(DeeperCnn);

} // namespace studio
