#include "models/Mlp.h"

#include "models/Layers.h"

namespace studio {

MlpImpl::MlpImpl(const MlpOptions& options) : options(options)
{
    reset();
}

void MlpImpl::reset()
{
    torch::nn::Sequential fc1(layers::Linear(784, 512));
    layers::addActivation(fc1, options.activation());
    layers::addDropout(fc1, options.dropout());
    torch::nn::Sequential fc2(layers::Linear(512, 256));
    layers::addActivation(fc2, options.activation());
    m_fc1 = register_module("fc1", fc1);
    m_fc2 = register_module("fc2", fc2);
    m_out = register_module("fc3", layers::Linear(256, options.num_classes()));
}

torch::Tensor MlpImpl::forwardTapped(const torch::Tensor& x, LayerTap* tap)
{
    auto h = tapped(tap, "flatten", x.flatten(1));
    h = tapped(tap, "fc1", m_fc1->forward(h));
    h = tapped(tap, "fc2", m_fc2->forward(h));
    return tapped(tap, "fc3", m_out->forward(h));
}

} // namespace studio
