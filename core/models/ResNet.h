#pragma once
#include "models/Classifier.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace studio {

/// Seed 000's ResidualBlock: conv3×3(stride)-BN-ReLU-conv3×3-BN plus identity or a 1×1
/// projection shortcut (conv+BN) when stride or width change, then ReLU.
class ResidualBlockImpl : public torch::nn::Module {
public:
    ResidualBlockImpl(int in, int out, int stride);
    torch::Tensor forward(const torch::Tensor& x);

private:
    torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
    torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Sequential m_shortcut{nullptr};
};
TORCH_MODULE(ResidualBlock);

/// Seed 000's MNISTResNet (residual = true): stem conv 1→32 + BN + ReLU, stages of two blocks at
/// 32/64/128 channels (stride 1/2/2), global average pooling, Dropout(0.25), FC 128→10, Kaiming
/// init — 696,042 parameters. With residual = false it is seed 000's PlainCNN twin: the same
/// widths as four conv+BN+ReLU layers per stage without skips (677,034 parameters).
class ResNetImpl : public ClassifierImpl {
public:
    ResNetImpl(const ModelOptions& options, bool residual);
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "layer3"; }

private:
    torch::nn::Sequential m_stem{nullptr}, m_layer1{nullptr}, m_layer2{nullptr}, m_layer3{nullptr};
    torch::nn::Sequential m_head{nullptr};
};

} // namespace studio
