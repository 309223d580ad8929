#include "training/WeightAverage.h"

#include <torch/autograd.h>

#include <algorithm>

namespace studio {

WeightAverage::WeightAverage(const Classifier& model, double decay)
    : m_average(model->cloneClassifier()), m_decay(decay)
{
    m_average->eval();
    for (auto& p : m_average->parameters())
        p.set_requires_grad(false);
}

double WeightAverage::decayAt(std::int64_t updates) const
{
    return std::min(m_decay, (1.0 + double(updates)) / (10.0 + double(updates)));
}

void WeightAverage::update(const Classifier& model, std::int64_t updates)
{
    torch::NoGradGuard noGrad;
    const double d = decayAt(updates);
    const auto blend = [d](torch::Tensor& average, const torch::Tensor& current) {
        if (average.is_floating_point())
            average.mul_(d).add_(current.detach(), 1.0 - d);
        else
            average.copy_(current);
    };
    auto averaged = m_average->parameters();
    const auto current = model->parameters();
    for (std::size_t i = 0; i < averaged.size(); ++i)
        blend(averaged[i], current[i]);
    auto averagedBuffers = m_average->buffers();
    const auto currentBuffers = model->buffers();
    for (std::size_t i = 0; i < averagedBuffers.size(); ++i)
        blend(averagedBuffers[i], currentBuffers[i]);
}

} // namespace studio
