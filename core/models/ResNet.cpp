#include "models/ResNet.h"

#include "models/Layers.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/pooling.h>
#include <torch/nn/modules/linear.h>

namespace studio {

ResidualBlockImpl::ResidualBlockImpl(const ResidualBlockOptions& options) : options(options)
{
    reset();
}

void ResidualBlockImpl::reset()
{
    const auto in = options.in(), out = options.out(), stride = options.stride();
    m_conv1 = register_module("conv1", layers::conv(in, out, 3, 1, false, stride));
    m_bn1 = register_module("bn1", layers::BatchNorm2d(out));
    m_conv2 = register_module("conv2", layers::conv(out, out, 3, 1, false));
    m_bn2 = register_module("bn2", layers::BatchNorm2d(out));
    torch::nn::Sequential shortcut;
    if (stride != 1 || in != out) {
        shortcut->push_back(layers::conv(in, out, 1, 0, false, stride));
        shortcut->push_back(layers::BatchNorm2d(out));
    }
    m_shortcut = register_module("shortcut", shortcut);
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x)
{
    const auto out = m_conv2->forwardRelu(m_bn1->forward(m_conv1->forward(x)));
    return m_bn2->forwardAddRelu(out, m_shortcut->is_empty() ? x : m_shortcut->forward(x));
}

namespace {

torch::nn::Sequential residualStage(int in, int out, int stride)
{
    return torch::nn::Sequential(ResidualBlock(ResidualBlockOptions(in, out, stride)),
                                 ResidualBlock(ResidualBlockOptions(out, out)));
}

/// `count` conv3×3+BN+ReLU layers, the first taking `in` channels at `stride`.
torch::nn::Sequential plainLayers(int in, int out, int count, int stride)
{
    torch::nn::Sequential s;
    for (int i = 0; i < count; ++i) {
        s->push_back(layers::conv(i == 0 ? in : out, out, 3, 1, true, i == 0 ? stride : 1));
        s->push_back(layers::BatchNorm2d(out));
        s->push_back(torch::nn::ReLU());
    }
    return s;
}

} // namespace

ResNetImpl::ResNetImpl(const ResNetOptions& options) : options(options)
{
    reset();
}

void ResNetImpl::reset()
{
    const bool residual = options.residual();
    if (residual) {
        m_stem = register_module("stem", torch::nn::Sequential(layers::conv(1, 32, 3, 1, false),
                                                               layers::BatchNorm2d(32), torch::nn::ReLU()));
        m_layer1 = register_module("layer1", residualStage(32, 32, 1));
        m_layer2 = register_module("layer2", residualStage(32, 64, 2));
        m_layer3 = register_module("layer3", residualStage(64, 128, 2));
    } else {
        // PlainCNN's first block starts at the input: its first conv is the "stem".
        m_stem = register_module("stem", plainLayers(1, 32, 1, 1));
        m_layer1 = register_module("layer1", plainLayers(32, 32, 3, 1));
        m_layer2 = register_module("layer2", plainLayers(32, 64, 4, 2));
        m_layer3 = register_module("layer3", plainLayers(64, 128, 4, 2));
    }
    // Global average pooling as a module (not a mean in forward) so the model is the chain of its
    // children, which is what ONNX export writes.
    m_pool = register_module("pool", torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(1), torch::nn::Flatten()));
    m_head = register_module("head", torch::nn::Sequential(torch::nn::Dropout(options.dropout()),
                                                           layers::Linear(128, options.num_classes())));
    if (residual) {
        for (auto& m : modules(/*include_self=*/false)) {
            if (auto* c = m->as<torch::nn::Conv2d>()) {
                torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
            } else if (auto* bn = m->as<torch::nn::BatchNorm2d>()) {
                torch::nn::init::constant_(bn->weight, 1.0);
                torch::nn::init::constant_(bn->bias, 0.0);
            } else if (auto* fc = m->as<torch::nn::Linear>()) {
                torch::nn::init::normal_(fc->weight, 0.0, 0.01);
                torch::nn::init::constant_(fc->bias, 0.0);
            }
        }
    }
}

torch::Tensor ResNetImpl::forwardTapped(const torch::Tensor& x, LayerTap* tap)
{
    auto h = tapped(tap, "stem", layers::forwardChain(*m_stem, x));
    h = tapped(tap, "layer1", layers::forwardChain(*m_layer1, h));
    h = tapped(tap, "layer2", layers::forwardChain(*m_layer2, h));
    h = tapped(tap, "layer3", layers::forwardChain(*m_layer3, h));
    h = tapped(tap, "pool", m_pool->forward(h));
    return tapped(tap, "head", m_head->forward(h));
}

} // namespace studio
