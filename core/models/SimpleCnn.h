#pragma once
#include "models/Classifier.h"

#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

namespace studio {

/// Seed 004: conv32-pool-conv64-pool-fc128-dropout(0.5)-fc10, padding 1 (421,642 parameters).
class SimpleCnnImpl : public ClassifierImpl {
public:
    explicit SimpleCnnImpl(const ModelOptions& options);
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "conv2"; }

private:
    torch::nn::Sequential m_conv1{nullptr}, m_conv2{nullptr}, m_fc1{nullptr};
    torch::nn::Linear m_fc2{nullptr};
};

/// Seed 001's "Simple CNN" (Keras): conv32-pool-conv64-pool-conv64-fc64-fc10, valid convolutions
/// (93,322 parameters); dropout before the last layer (default 0.5).
class TfCnnImpl : public ClassifierImpl {
public:
    explicit TfCnnImpl(const ModelOptions& options);
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "conv3"; }

private:
    torch::nn::Sequential m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr}, m_fc1{nullptr};
    torch::nn::Linear m_fc2{nullptr};
};

} // namespace studio
