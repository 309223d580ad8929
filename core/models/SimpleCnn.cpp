#include "models/SimpleCnn.h"

#include "models/Layers.h"

#include <torch/nn/modules/activation.h>

namespace studio {
namespace {

/// conv → max-pool → activation: the seeds' conv → activation → pool, reordered. Max-pooling
/// commutes with any non-decreasing activation (ReLU, Sigmoid), so the output is identical and
/// the activation touches 4× fewer values.
torch::nn::Sequential convReluPool(int in, int out, int padding, Activation a, int kernel = 3)
{
    torch::nn::Sequential s(layers::conv(in, out, kernel, padding, true), layers::MaxPool2x2());
    layers::addActivation(s, a);
    return s;
}

torch::nn::Sequential denseAct(int in, int out, Activation a, double dropout)
{
    torch::nn::Sequential s(layers::Linear(in, out));
    layers::addActivation(s, a);
    layers::addDropout(s, dropout);
    return s;
}

} // namespace

SimpleCnnImpl::SimpleCnnImpl(const SimpleCnnOptions& options) : options(options)
{
    reset();
}

void SimpleCnnImpl::reset()
{
    const auto& o = options;
    const auto a = o.activation();
    const int p = int(o.padding()), k = int(o.conv1_kernel());
    const auto side = ((28 + 2 * p - k + 1) / 2 + 2 * p - 2) / 2; // after conv1, pool, conv2 (3×3), pool
    m_conv1 = register_module("conv1", convReluPool(1, int(o.conv1_channels()), p, a, k));
    m_conv2 = register_module("conv2", convReluPool(int(o.conv1_channels()), int(o.conv2_channels()), p, a));
    m_fc1 = register_module("fc1", denseAct(int(o.conv2_channels() * side * side), int(o.hidden()), a, o.dropout()));
    m_fc2 = register_module("fc2", layers::Linear(o.hidden(), o.num_classes()));
}

torch::Tensor SimpleCnnImpl::forwardTapped(const torch::Tensor& x, LayerTap* tap)
{
    auto h = tapped(tap, "conv1", m_conv1->forward(x));
    h = tapped(tap, "conv2", m_conv2->forward(h));
    h = tapped(tap, "fc1", m_fc1->forward(h.flatten(1)));
    return tapped(tap, "fc2", m_fc2->forward(h));
}

TfCnnImpl::TfCnnImpl(const TfCnnOptions& options) : options(options)
{
    reset();
}

void TfCnnImpl::reset()
{
    const auto a = options.activation();
    m_conv1 = register_module("conv1", convReluPool(1, 32, 0, a));
    m_conv2 = register_module("conv2", convReluPool(32, 64, 0, a));
    torch::nn::Sequential c3(layers::conv(64, 64, 3, 0, true));
    layers::addActivation(c3, a);
    m_conv3 = register_module("conv3", c3);
    m_fc1 = register_module("fc1", denseAct(64 * 3 * 3, 64, a, options.dropout()));
    m_fc2 = register_module("fc2", layers::Linear(64, options.num_classes()));
}

torch::Tensor TfCnnImpl::forwardTapped(const torch::Tensor& x, LayerTap* tap)
{
    auto h = tapped(tap, "conv1", m_conv1->forward(x));
    h = tapped(tap, "conv2", m_conv2->forward(h));
    h = tapped(tap, "conv3", m_conv3->forward(h));
    h = tapped(tap, "fc1", m_fc1->forward(h.flatten(1)));
    return tapped(tap, "fc2", m_fc2->forward(h));
}

} // namespace studio
