#pragma once
#include "models/Classifier.h"
#include "models/Layers.h"

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

namespace studio {

struct ResidualBlockOptions {
    ResidualBlockOptions(int64_t in, int64_t out, int64_t stride = 1) : in_(in), out_(out), stride_(stride) {}
    TORCH_ARG(int64_t, in);
    TORCH_ARG(int64_t, out);
    TORCH_ARG(int64_t, stride);
};

/// Seed 000's ResidualBlock: conv3×3(stride)-BN-ReLU-conv3×3-BN plus identity or a 1×1
/// projection shortcut (conv+BN) when stride or width change, then ReLU.
class ResidualBlockImpl : public torch::nn::Cloneable<ResidualBlockImpl> {
public:
    explicit ResidualBlockImpl(const ResidualBlockOptions& options);
    void reset() override;
    torch::Tensor forward(const torch::Tensor& x);

    ResidualBlockOptions options;

private:
    layers::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
    layers::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr};
    torch::nn::Sequential m_shortcut{nullptr};
};
TORCH_MODULE(ResidualBlock);

struct ResNetOptions {
    TORCH_ARG(bool, residual) = true;  ///< false: the plain twin without skips
    TORCH_ARG(double, dropout) = 0.25; ///< before the classifier
    TORCH_ARG(int64_t, num_classes) = 10;
};

/// Seed 000's MNISTResNet (residual = true): stem conv 1→32 + BN + ReLU, stages of two blocks at
/// 32/64/128 channels (stride 1/2/2), global average pooling, Dropout(0.25), FC 128→10, Kaiming
/// init — 696,042 parameters. With residual = false it is seed 000's PlainCNN twin: the same
/// widths as four conv+BN+ReLU layers per stage without skips (677,034 parameters).
class ResNetImpl : public torch::nn::Cloneable<ResNetImpl>, public ClassifierImpl {
public:
    explicit ResNetImpl(const ResNetOptions& options = {});
    void reset() override;
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "layer3"; }

    ResNetOptions options;

private:
    torch::nn::Sequential m_stem{nullptr}, m_layer1{nullptr}, m_layer2{nullptr}, m_layer3{nullptr};
    torch::nn::Sequential m_pool{nullptr}, m_head{nullptr};
};
TORCH_MODULE(ResNet);

} // namespace studio
