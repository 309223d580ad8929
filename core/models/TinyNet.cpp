#include "models/TinyNet.h"

#include "models/Layers.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include <stdexcept>

namespace studio {
namespace {

/// conv → ReLU → BN → Dropout, seed 003's block order.
torch::nn::Sequential block(int in, int out, int padding, double dropout)
{
    torch::nn::Sequential s(layers::conv(in, out, 3, padding, false), torch::nn::ReLU(), layers::BatchNorm2d(out));
    layers::addDropout(s, dropout);
    return s;
}

} // namespace

TinyNetImpl::TinyNetImpl(const TinyNetOptions& options) : options(options)
{
    reset();
}

void TinyNetImpl::reset()
{
    const int version = options.version();
    if (version < 1 || version > 3)
        throw std::invalid_argument("TinyNet version must be 1, 2 or 3");
    const double p = options.dropout();
    m_stages.clear();
    auto add = [&](const std::string& name, torch::nn::Sequential s) {
        m_stages.emplace_back(name, register_module(name, s));
    };
    add("conv1", block(1, 8, 0, p));                                                                   // 28 -> 26
    add("conv2", block(8, 16, 0, p));                                                                  // 26 -> 24
    add("transition", torch::nn::Sequential(layers::conv(16, 10, 1, 0, false), layers::MaxPool2x2())); // -> 12
    if (version == 3) {
        add("conv3", block(10, 10, 0, p)); // 12 -> 10
        add("conv4", block(10, 16, 1, p)); // 10 -> 10
    } else {
        add("conv4", block(10, 16, 0, p)); // 12 -> 10
    }
    add("conv5", block(16, 16, 0, p)); // 10 -> 8
    add("conv6", block(16, 10, 0, p)); // 8 -> 6
    add("conv7", block(10, 10, 1, p)); // 6 -> 6
    add("gap", torch::nn::Sequential(torch::nn::AdaptiveAvgPool2d(1)));
    if (version == 1)
        add("head", torch::nn::Sequential(layers::conv(10, options.num_classes(), 1, 0, false), torch::nn::Flatten()));
    else
        add("head", torch::nn::Sequential(torch::nn::Flatten(), layers::Linear(10, options.num_classes())));
}

torch::Tensor TinyNetImpl::forwardTapped(const torch::Tensor& x, LayerTap* tap)
{
    auto h = x;
    for (auto& [name, stage] : m_stages)
        h = tapped(tap, name.c_str(), stage->forward(h));
    return h;
}

} // namespace studio
