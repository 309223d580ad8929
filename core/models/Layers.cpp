#include "models/Layers.h"

#include <ATen/TensorIndexing.h>
#include <ATen/ops/mkldnn_convolution.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>

namespace studio::layers {

Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t padding, bool bias, int64_t stride)
{
    return Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(padding).stride(stride).bias(bias));
}

torch::Tensor Conv2dImpl::forward(const torch::Tensor& x)
{
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
    const bool small = !c10::GradMode::is_enabled() && at::get_num_threads() > 1 && x.dim() == 4 && x.size(0) < 16 &&
                       x.scalar_type() == torch::kFloat && x.device().is_cpu() && padding &&
                       c10::holds_alternative<torch::enumtype::kZeros>(options.padding_mode());
    if (!small)
        return torch::nn::Conv2dImpl::forward(x);
    return at::mkldnn_convolution(x, weight, bias.defined() ? c10::optional<torch::Tensor>(bias) : c10::nullopt,
                                  *padding, options.stride(), options.dilation(), options.groups());
}

std::shared_ptr<torch::nn::Module> Conv2dImpl::clone(const c10::optional<torch::Device>& device) const
{
    // As Cloneable::clone: copy, drop the shared tensors (a convolution has no buffers or children),
    // build new ones, copy their values.
    auto copy = std::make_shared<Conv2dImpl>(*this);
    copy->parameters_.clear();
    copy->reset();
    torch::NoGradGuard noGrad;
    const auto mine = named_parameters(/*recurse=*/false);
    for (auto& p : copy->named_parameters(/*recurse=*/false))
        p.value().set_data(mine[p.key()].clone());
    copy->train(is_training());
    if (device)
        copy->to(*device);
    return copy;
}

torch::Tensor MaxPool2x2Impl::forward(const torch::Tensor& x)
{
    const bool plain = x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast) && x.size(2) >= 2 &&
                       x.size(3) >= 2 && !(c10::GradMode::is_enabled() && x.requires_grad());
    if (!plain)
        return torch::max_pool2d(x, {2, 2}, {2, 2});
    using torch::indexing::Slice;
    const auto h = x.size(2) / 2 * 2, w = x.size(3) / 2 * 2;
    const auto rows =
        torch::maximum(x.index({Slice(), Slice(), Slice(0, h, 2)}), x.index({Slice(), Slice(), Slice(1, h, 2)}));
    return torch::maximum(rows.index({Slice(), Slice(), Slice(), Slice(0, w, 2)}),
                          rows.index({Slice(), Slice(), Slice(), Slice(1, w, 2)}));
}

void addActivation(torch::nn::Sequential& seq, Activation activation)
{
    if (activation == Activation::Sigmoid)
        seq->push_back(torch::nn::Sigmoid());
    else // in place: every layer it follows (conv, linear, max-pool, batch norm) keeps its input, not its output
        seq->push_back(torch::nn::ReLU(torch::nn::ReLUOptions().inplace(true)));
}

void addDropout(torch::nn::Sequential& seq, double p)
{
    if (p > 0)
        seq->push_back(torch::nn::Dropout(p));
}

} // namespace studio::layers
