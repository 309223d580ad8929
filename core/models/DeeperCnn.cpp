#include "models/DeeperCnn.h"

#include "models/Layers.h"

#include <torch/nn/modules/batchnorm.h>

namespace studio {
namespace {

torch::nn::Sequential deeperBlock(int in, int out, Activation a, double dropout)
{
    torch::nn::Sequential s;
    for (int c : {in, out}) {
        s->push_back(layers::conv(c, out, 3, 1, true));
        s->push_back(layers::BatchNorm2d(out));
        layers::addActivation(s, a);
    }
    s->push_back(layers::MaxPool2x2());
    layers::addDropout(s, dropout);
    return s;
}

} // namespace

DeeperCnnImpl::DeeperCnnImpl(const DeeperCnnOptions& options) : options(options)
{
    reset();
}

void DeeperCnnImpl::reset()
{
    const double p = options.dropout();
    const auto a = options.activation();
    m_block1 = register_module("block1", deeperBlock(1, 32, a, p / 2));
    m_block2 = register_module("block2", deeperBlock(32, 64, a, p / 2));
    m_block3 = register_module("block3", deeperBlock(64, 128, a, p / 2));
    torch::nn::Sequential fc1(layers::Linear(128 * 3 * 3, 192), layers::BatchNorm1d(192));
    layers::addActivation(fc1, a);
    layers::addDropout(fc1, p);
    m_fc1 = register_module("fc1", fc1);
    m_fc2 = register_module("fc2", layers::Linear(192, options.num_classes()));
}

torch::Tensor DeeperCnnImpl::forwardTapped(const torch::Tensor& x, LayerTap* tap)
{
    auto h = tapped(tap, "block1", layers::forwardChain(*m_block1, x));
    h = tapped(tap, "block2", layers::forwardChain(*m_block2, h));
    h = tapped(tap, "block3", layers::forwardChain(*m_block3, h));
    h = tapped(tap, "fc1", m_fc1->forward(h.flatten(1)));
    return tapped(tap, "fc2", m_fc2->forward(h));
}

} // namespace studio
