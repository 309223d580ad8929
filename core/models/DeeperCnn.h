#pragma once
#include "models/Classifier.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

namespace studio {

/// Seed 001's "Deeper CNN" (BatchNorm + dropout): three blocks of two 3×3 conv+BN+act (32, 64,
/// 128 channels, same padding) each closed by 2×2 max-pool and Dropout(dropout/2), then
/// FC 1152→192 + BN + act + Dropout(dropout), FC 192→10. 511,018 parameters (the seed reports
/// 523,978 without publishing its layers).
class DeeperCnnImpl : public ClassifierImpl {
public:
    explicit DeeperCnnImpl(const ModelOptions& options);
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "block3"; }

private:
    torch::nn::Sequential m_block1{nullptr}, m_block2{nullptr}, m_block3{nullptr}, m_fc1{nullptr};
    torch::nn::Linear m_fc2{nullptr};
};

} // namespace studio
