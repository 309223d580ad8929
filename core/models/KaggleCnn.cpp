#include "models/KaggleCnn.h"

#include "models/Layers.h"

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>

namespace studio {
namespace {

/// Convolution, activation, BatchNorm: Keras' Conv2D(activation=…) then BatchNormalization().
void addConv(torch::nn::Sequential& s, int in, int out, int kernel, int padding, int stride, Activation a)
{
    s->push_back(layers::conv(in, out, kernel, padding, true, stride));
    layers::addActivation(s, a);
    s->push_back(layers::BatchNorm2d(out));
}

torch::nn::Sequential kaggleBlock(int in, int out, Activation a, double dropout)
{
    torch::nn::Sequential s;
    addConv(s, in, out, 3, 0, 1, a);
    addConv(s, out, out, 3, 0, 1, a);
    addConv(s, out, out, 5, 2, 2, a);
    layers::addDropout(s, dropout);
    return s;
}

} // namespace

KaggleCnnImpl::KaggleCnnImpl(const KaggleCnnOptions& options) : options(options)
{
    reset();
}

void KaggleCnnImpl::reset()
{
    const double p = options.dropout();
    const auto a = options.activation();
    m_block1 = register_module("block1", kaggleBlock(1, 32, a, p));
    m_block2 = register_module("block2", kaggleBlock(32, 64, a, p));
    torch::nn::Sequential block3;
    addConv(block3, 64, 128, 4, 0, 1, a);
    m_block3 = register_module("block3", block3);
    torch::nn::Sequential head{torch::nn::Flatten()};
    layers::addDropout(head, p);
    head->push_back(layers::Linear(128, options.num_classes()));
    m_head = register_module("head", head);
}

torch::Tensor KaggleCnnImpl::forwardTapped(const torch::Tensor& x, LayerTap* tap)
{
    auto h = tapped(tap, "block1", m_block1->forward(x));
    h = tapped(tap, "block2", m_block2->forward(h));
    h = tapped(tap, "block3", m_block3->forward(h));
    return tapped(tap, "head", m_head->forward(h));
}

} // namespace studio
