#pragma once
#include "models/Classifier.h"
#include "models/Layers.h"

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace studio {

struct SimpleCnnOptions {
    TORCH_ARG(double, dropout) = 0.5; ///< before the last layer; 0: none
    TORCH_ARG(int64_t, conv1_channels) = 32;
    TORCH_ARG(int64_t, conv1_kernel) = 3;
    TORCH_ARG(int64_t, conv2_channels) = 64; ///< conv2 is 3×3
    TORCH_ARG(int64_t, padding) = 1;         ///< of both convolutions
    TORCH_ARG(int64_t, hidden) = 128;        ///< units of the dense layer
    TORCH_ARG(Activation, activation) = Activation::ReLU;
    TORCH_ARG(int64_t, num_classes) = 10;
};

/// Seed 004: conv32-pool-conv64-pool-fc128-dropout(0.5)-fc10, padding 1 (421,642 parameters). With
/// fastCnnOptions() it is tuomaso/train_mnist_fast's net (fast-cnn): conv24 5×5-pool-conv32-pool-
/// fc256-fc10, valid convolutions, no dropout (215,194 parameters).
class SimpleCnnImpl : public torch::nn::Cloneable<SimpleCnnImpl>, public ClassifierImpl {
public:
    explicit SimpleCnnImpl(const SimpleCnnOptions& options = {});
    void reset() override;
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "conv2"; }

    SimpleCnnOptions options;

private:
    torch::nn::Sequential m_conv1{nullptr}, m_conv2{nullptr}, m_fc1{nullptr};
    layers::Linear m_fc2{nullptr};
};
TORCH_MODULE(SimpleCnn);

/// The options that make SimpleCnn the fast-cnn architecture.
inline SimpleCnnOptions fastCnnOptions()
{
    return SimpleCnnOptions().conv1_channels(24).conv1_kernel(5).conv2_channels(32).padding(0).hidden(256).dropout(0);
}

/// The same knobs and defaults as the simple CNN.
using TfCnnOptions = SimpleCnnOptions;

/// Seed 001's "Simple CNN" (Keras): conv32-pool-conv64-pool-conv64-fc64-fc10, valid convolutions
/// (93,322 parameters); dropout before the last layer (default 0.5).
class TfCnnImpl : public torch::nn::Cloneable<TfCnnImpl>, public ClassifierImpl {
public:
    explicit TfCnnImpl(const TfCnnOptions& options = {});
    void reset() override;
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "conv3"; }

    TfCnnOptions options;

private:
    torch::nn::Sequential m_conv1{nullptr}, m_conv2{nullptr}, m_conv3{nullptr}, m_fc1{nullptr};
    layers::Linear m_fc2{nullptr};
};
TORCH_MODULE(TfCnn);

} // namespace studio
