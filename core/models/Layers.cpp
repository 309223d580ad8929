#include "models/Layers.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>

namespace studio::layers {

torch::nn::Conv2d conv(int in, int out, int kernel, int padding, bool bias, int stride)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(padding).stride(stride).bias(bias));
}

void addActivation(torch::nn::Sequential& seq, Activation activation)
{
    if (activation == Activation::Sigmoid)
        seq->push_back(torch::nn::Sigmoid());
    else
        seq->push_back(torch::nn::ReLU());
}

void addDropout(torch::nn::Sequential& seq, double p)
{
    if (p > 0)
        seq->push_back(torch::nn::Dropout(p));
}

double dropoutOr(const ModelOptions& options, double fallback)
{
    return options.dropout >= 0 ? options.dropout : fallback;
}

} // namespace studio::layers
