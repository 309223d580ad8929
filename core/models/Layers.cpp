#include "models/Layers.h"

#include "models/BatchNorm.h"
#include "models/PatchConv.h"
#include "models/Winograd.h"

#include <ATen/TensorIndexing.h>
#include <ATen/ops/mkldnn_convolution.h>
#include <ATen/ops/mkldnn_reorder_conv2d_weight.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>

namespace studio::layers {

Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t padding, bool bias, int64_t stride)
{
    return Conv2d(torch::nn::Conv2dOptions(in, out, kernel).padding(padding).stride(stride).bias(bias));
}

torch::Tensor Conv2dImpl::forward(const torch::Tensor& x)
{
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
    const auto bias = optionalBias();
    if (x.is_mkldnn() && padding) { // no autograd for these: inference only
        const bool packed = m_packed.defined() && snapshotCurrent();
        return at::mkldnn_convolution(x, packed ? m_packed : weight, bias, *padding, options.stride(),
                                      options.dilation(), options.groups());
    }
    if (winograd::preferred() && winogradShape() && winograd::supports(x, weight))
        return winogradForward(x, false);
    if (const auto stride = squareStride(); winograd::preferred() && patchconv::supports(x, weight, stride))
        return patchconv::conv(x, weight, bias, stride);
    const bool small = !c10::GradMode::is_enabled() && at::get_num_threads() > 1 && x.dim() == 4 && x.size(0) < 16 &&
                       x.scalar_type() == torch::kFloat && x.device().is_cpu() && padding &&
                       c10::holds_alternative<torch::enumtype::kZeros>(options.padding_mode());
    if (!small)
        return torch::nn::Conv2dImpl::forward(x);
    return at::mkldnn_convolution(x, weight, bias, *padding, options.stride(), options.dilation(), options.groups());
}

torch::Tensor Conv2dImpl::forwardRelu(const torch::Tensor& x)
{
    if (winograd::preferred() && winogradShape() && winograd::supports(x, weight))
        return winogradForward(x, true);
    return forward(torch::relu(x));
}

torch::Tensor Conv2dImpl::winogradForward(const torch::Tensor& x, bool reluInput)
{
    const auto bias = optionalBias();
    if (!c10::GradMode::is_enabled() && m_winograd.defined() && snapshotCurrent())
        return winograd::forward(x, weight, bias ? *bias : torch::Tensor(), m_winograd, reluInput);
    return winograd::conv3x3(x, weight, bias, reluInput);
}

c10::optional<torch::Tensor> Conv2dImpl::optionalBias() const
{
    return bias.defined() ? c10::optional<torch::Tensor>(bias) : c10::nullopt;
}

void Conv2dImpl::addBias()
{
    if (bias.defined())
        return;
    options.bias(true);
    bias = parameters_["bias"] =
        torch::zeros({weight.size(0)}, weight.options()).requires_grad_(weight.requires_grad());
}

int64_t Conv2dImpl::squareStride() const
{
    const auto both = [](const torch::ExpandingArray<2>& a, int64_t value) {
        return a->at(0) == value && a->at(1) == value;
    };
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
    const auto kernel = options.kernel_size()->at(0), stride = options.stride()->at(0);
    const bool square = padding && both(options.kernel_size(), kernel) && both(*padding, kernel / 2) &&
                        both(options.stride(), stride) && both(options.dilation(), 1) && options.groups() == 1 &&
                        c10::holds_alternative<torch::enumtype::kZeros>(options.padding_mode());
    return square ? stride : 0;
}

bool Conv2dImpl::winogradShape() const
{
    return options.kernel_size()->at(0) == 3 && squareStride() == 1;
}

bool Conv2dImpl::snapshotCurrent() const
{
    return m_packedFrom == weight.unsafeGetTensorImpl() && m_packedVersion == weight._version();
}

bool Conv2dImpl::pack()
{
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&options.padding());
    if (!padding || !c10::holds_alternative<torch::enumtype::kZeros>(options.padding_mode()))
        return false;
    torch::NoGradGuard noGrad;
    m_packed = at::mkldnn_reorder_conv2d_weight(weight.contiguous().to_mkldnn(), *padding, options.stride(),
                                                options.dilation(), options.groups());
    const auto in = weight.size(1), out = weight.size(0);
    m_winograd =
        winogradShape() && in % 16 == 0 && out % 16 == 0 ? winograd::transformWeights(weight) : torch::Tensor();
    m_packedFrom = weight.unsafeGetTensorImpl();
    m_packedVersion = weight._version();
    return true;
}

torch::Tensor BatchNorm2dImpl::forwardAddRelu(const torch::Tensor& x, const torch::Tensor& residual, bool relu)
{
    const bool fused =
        is_training() && !folded && winograd::enabled() && options.affine() && options.track_running_stats() &&
        options.momentum() && batchnorm::supports(x) &&
        (!residual.defined() || (residual.sizes() == x.sizes() && residual.scalar_type() == x.scalar_type()));
    if (fused)
        return batchnorm::train(x, weight, bias,
                                {running_mean, running_var, num_batches_tracked, *options.momentum(), options.eps()},
                                residual, relu);
    auto y = folded ? x : torch::nn::BatchNorm2dImpl::forward(x);
    if (residual.defined())
        y = y + residual;
    return relu ? torch::relu(y) : y;
}

torch::Tensor forwardChain(torch::nn::SequentialImpl& chain, torch::Tensor x)
{
    const auto end = chain.end();
    for (auto it = chain.begin(); it != end; ++it) {
        auto* bn = it->ptr()->as<BatchNorm2dImpl>();
        const auto next = std::next(it);
        if (bn && next != end && next->ptr()->as<torch::nn::ReLUImpl>()) {
            x = bn->forwardAddRelu(x, {}, true);
            it = next;
        } else {
            x = it->forward(x);
        }
    }
    return x;
}

torch::Tensor MaxPool2x2Impl::forward(const torch::Tensor& x)
{
    const bool plain = !x.is_mkldnn() && x.dim() == 4 && x.is_contiguous(at::MemoryFormat::ChannelsLast) &&
                       x.size(2) >= 2 && x.size(3) >= 2 && !(c10::GradMode::is_enabled() && x.requires_grad());
    if (!plain)
        return torch::max_pool2d(x, {2, 2}, {2, 2});
    using torch::indexing::Slice;
    const auto h = x.size(2) / 2 * 2, w = x.size(3) / 2 * 2;
    const auto rows =
        torch::maximum(x.index({Slice(), Slice(), Slice(0, h, 2)}), x.index({Slice(), Slice(), Slice(1, h, 2)}));
    return torch::maximum(rows.index({Slice(), Slice(), Slice(), Slice(0, w, 2)}),
                          rows.index({Slice(), Slice(), Slice(), Slice(1, w, 2)}));
}

namespace {

/// y = scale·(layer(x) − mean) + beta, per output channel, folded into the layer's weight and bias.
template <class Layer, class Norm> bool fold(Layer& layer, Norm& norm)
{
    const auto out = layer.weight.size(0);
    if (norm.folded || norm.is_training() || !norm.running_mean.defined() || norm.running_mean.numel() != out)
        return false;
    if (!layer.bias.defined()) {
        if constexpr (std::is_same_v<Layer, Conv2dImpl>)
            layer.addBias();
        else
            return false;
    }
    torch::NoGradGuard noGrad;
    const auto scale = norm.running_var.add(norm.options.eps()).rsqrt() *
                       (norm.weight.defined() ? norm.weight : torch::ones_like(norm.running_var));
    std::vector<std::int64_t> shape(std::size_t(layer.weight.dim()), 1);
    shape[0] = out;
    layer.weight.mul_(scale.view(shape));
    auto bias = (layer.bias - norm.running_mean) * scale;
    if (norm.bias.defined())
        bias += norm.bias;
    layer.bias.copy_(bias);
    norm.folded = true;
    return true;
}

} // namespace

int foldBatchNorms(torch::nn::Module& module)
{
    int folded = 0;
    const auto children = module.children();
    for (std::size_t i = 0; i + 1 < children.size(); ++i) {
        auto& next = *children[i + 1];
        if (auto* conv = children[i]->as<Conv2dImpl>(); conv && next.as<BatchNorm2dImpl>())
            folded += fold(*conv, *next.as<BatchNorm2dImpl>());
        else if (auto* linear = children[i]->as<torch::nn::LinearImpl>(); linear && next.as<BatchNorm1dImpl>())
            folded += fold(*linear, *next.as<BatchNorm1dImpl>());
    }
    for (const auto& child : children)
        folded += foldBatchNorms(*child);
    return folded;
}

void copyInferenceState(const torch::nn::Module& from, torch::nn::Module& to)
{
    const auto mine = from.modules(/*include_self=*/false), theirs = to.modules(/*include_self=*/false);
    for (std::size_t i = 0; i < mine.size() && i < theirs.size(); ++i) {
        if (auto* bn = mine[i]->as<BatchNorm2dImpl>(); bn && theirs[i]->as<BatchNorm2dImpl>())
            theirs[i]->as<BatchNorm2dImpl>()->folded = bn->folded;
        else if (auto* bn1 = mine[i]->as<BatchNorm1dImpl>(); bn1 && theirs[i]->as<BatchNorm1dImpl>())
            theirs[i]->as<BatchNorm1dImpl>()->folded = bn1->folded;
        else if (auto* conv = mine[i]->as<Conv2dImpl>(); conv && conv->packed() && theirs[i]->as<Conv2dImpl>())
            theirs[i]->as<Conv2dImpl>()->pack();
    }
}

int packConvolutions(torch::nn::Module& module)
{
    int packed = 0;
    for (const auto& m : module.modules())
        if (auto* conv = m->as<Conv2dImpl>())
            packed += conv->pack();
    return packed;
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

// LibTorch 1.13 defines BatchNormImplBase::pretty_print without exporting it, and a subclass's
// construction vtables name it.
template <size_t D, typename Derived>
void torch::nn::BatchNormImplBase<D, Derived>::pretty_print(std::ostream& stream) const
{
    stream << "torch::nn::BatchNorm" << D << "d(" << this->options.num_features() << ")";
}
template void torch::nn::BatchNormImplBase<1, torch::nn::BatchNorm1dImpl>::pretty_print(std::ostream&) const;
template void torch::nn::BatchNormImplBase<2, torch::nn::BatchNorm2dImpl>::pretty_print(std::ostream&) const;
