#pragma once
#include "models/ModelOptions.h"

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

namespace studio::layers {

/// 2×2 max-pool with stride 2 (odd sizes drop the last row/column, as max_pool2d does). With
/// autograd off and a channels-last input it takes the maximum of row pairs, then of column pairs,
/// as two elementwise maxima over strided views: the same values as max_pool2d without the indices
/// only backward needs, 4× faster on simple-cnn's 32×28×28 maps (evaluation went 1.05 s → see
/// bench_eval). Otherwise, and always while training, it is max_pool2d.
class MaxPool2x2Impl : public torch::nn::Cloneable<MaxPool2x2Impl> {
public:
    void reset() override {}
    torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(MaxPool2x2);

/// A LibTorch layer subclassed (Base) by Derived, with the clone() Cloneable would give Derived
/// (Base's own builds a Base): Base's deep copy of parameters, buffers and options in a copy of
/// Derived's own members.
template <class Base, class Derived> class Subclassed : public Base {
public:
    using Base::Base;
    std::shared_ptr<torch::nn::Module> clone(const c10::optional<torch::Device>& device = c10::nullopt) const override
    {
        const auto base = std::dynamic_pointer_cast<Base>(Base::clone(device));
        auto copy = std::make_shared<Derived>(static_cast<const Derived&>(*this));
        static_cast<Base&>(*copy) = *base;
        return copy;
    }
};

/// torch::nn::Conv2d that can score small batches on two threads. LibTorch 1.13 sends a
/// convolution of one image with a 3×3 (or smaller) kernel and at most 20,480 input values to its
/// reference im2col kernel (aten::_slow_conv2d_forward), which does not gain from a second thread:
/// deeper-cnn's forward pass for one drawing took 0.87 ms on one thread and 1.10 ms on two, resnet
/// 2.19 and 2.87 ms. Without autograd, on more than one thread and with fewer than 16 images this
/// calls oneDNN (at::mkldnn_convolution: the same convolution, LibTorch's kernel for larger
/// inputs): 0.61 and 1.42 ms on two threads. On one thread LibTorch's choice stands (it is the
/// faster there for the small models). Before either, a 3×3 convolution with stride 1 and zero
/// padding 1 between channel counts that are multiples of 16 (resnet's, deeper-cnn's) runs as
/// Winograd's F(4×4, 3×3), training and inference alike (models/Winograd.h: up to 4× fewer
/// multiply-adds, the same numbers to rounding). Same parameters, names and checkpoints.
class Conv2dImpl : public Subclassed<torch::nn::Conv2dImpl, Conv2dImpl> {
public:
    using Subclassed::Subclassed;
    torch::Tensor forward(const torch::Tensor& x);
    /// forward(torch::relu(x)); a Winograd convolution clamps its tiles as it reads them instead,
    /// so neither the ReLU's map nor its backward pass exists (resnet's blocks: ~5 % of a step).
    torch::Tensor forwardRelu(const torch::Tensor& x);
    /// Gives a bias-free convolution a zero bias (a parameter, and in its options so clones keep it).
    void addBias();
    /// Keeps the weights in oneDNN's own blocked layout for inputs in oneDNN's layout (an
    /// x.to_mkldnn() forward, inference only), so no call reorders them: a snapshot of the weights as
    /// they are now, ignored once they change. False for padding modes oneDNN does not take.
    /// Also keeps a Winograd convolution's transformed weights (winograd::transformWeights) for
    /// inference in LibTorch's layout, under the same snapshot rule.
    bool pack();
    bool packed() const { return m_packed.defined(); }

private:
    /// The stride of a square convolution padded by kernel/2 (zeros, no dilation or groups), else 0.
    int64_t squareStride() const;
    /// 3×3, stride 1, zero padding 1, no dilation or groups: the shape the Winograd kernels take.
    bool winogradShape() const;
    /// The bias, or none for a bias-free convolution (as LibTorch's convolution functions take it).
    c10::optional<torch::Tensor> optionalBias() const;
    torch::Tensor winogradForward(const torch::Tensor& x, bool reluInput);
    bool snapshotCurrent() const;

    torch::Tensor m_packed, m_winograd;
    const void* m_packedFrom = nullptr;
    std::int64_t m_packedVersion = -1;
};
TORCH_MODULE(Conv2d);

/// torch::nn::Linear that also takes an input in oneDNN's layout (the output of packed
/// convolutions, Conv2dImpl::pack), which LibTorch's linear layer does not: it converts it first.
class LinearImpl : public Subclassed<torch::nn::LinearImpl, LinearImpl> {
public:
    using Subclassed::Subclassed;
    torch::Tensor forward(const torch::Tensor& x) { return Subclassed::forward(x.is_mkldnn() ? x.to_dense() : x); }
};
TORCH_MODULE(Linear);

/// torch::nn::BatchNorm2d/1d that the convolution (linear layer) before it can absorb for inference
/// (foldBatchNorms): once folded, forward passes its input through. Same parameters and buffers.
template <class Base, class Derived> class FoldableBatchNorm : public Subclassed<Base, Derived> {
public:
    using Subclassed<Base, Derived>::Subclassed;
    torch::Tensor forward(const torch::Tensor& x) { return folded ? x : Base::forward(x); }
    bool folded = false;
};

class BatchNorm2dImpl : public FoldableBatchNorm<torch::nn::BatchNorm2dImpl, BatchNorm2dImpl> {
public:
    using FoldableBatchNorm::FoldableBatchNorm;
    torch::Tensor forward(const torch::Tensor& x) { return forwardAddRelu(x, {}, false); }
    /// max(0, forward(x) + residual), without `residual` if it is undefined and without the max if
    /// !relu. While training on a channels-last float map, one batchnorm::train pass does it all
    /// (resnet's blocks end so: 1.3–1.5× faster than LibTorch's three operations, a step 3–5 %).
    torch::Tensor forwardAddRelu(const torch::Tensor& x, const torch::Tensor& residual, bool relu = true);
};
TORCH_MODULE(BatchNorm2d);

class BatchNorm1dImpl : public FoldableBatchNorm<torch::nn::BatchNorm1dImpl, BatchNorm1dImpl> {
public:
    using FoldableBatchNorm::FoldableBatchNorm;
};
TORCH_MODULE(BatchNorm1d);

/// What `chain`.forward(x) computes, except that a BatchNorm2d directly followed by a ReLU runs
/// as BatchNorm2dImpl::forwardAddRelu(x, {}, true): while training, one pass and one map instead
/// of two (the stems of resnet and plain-cnn, deeper-cnn's blocks). The ReLU stays a child, so
/// parameter names and the ONNX export do not change.
torch::Tensor forwardChain(torch::nn::SequentialImpl& chain, torch::Tensor x);

/// Folds every batch norm that directly follows a convolution or linear layer (the next child of
/// the same module, as in conv → BN → ReLU) into that layer's weights and bias, for inference: the
/// pair computes the same function (to rounding) with one operation instead of two. The module
/// must be in eval mode and stay there (a folded batch norm has no batch statistics to learn);
/// Returns how many were folded. Batch norms after an activation (Keras order: kaggle-cnn, seed
/// 003's tiny nets) stay as they are.
int foldBatchNorms(torch::nn::Module& module);

/// What a clone of `from` lacks of it: Cloneable copies a child module registered as a member as
/// its LibTorch base class, so the folded batch norms' flags and the packed convolutions are
/// carried over here (`to` has the same structure).
void copyInferenceState(const torch::nn::Module& from, torch::nn::Module& to);

/// Packs every convolution's weights (Conv2dImpl::pack); returns how many. A forward pass of
/// x.to_mkldnn() then runs the convolutions, activations and pooling in oneDNN's layout and the
/// first linear layer converts back.
int packConvolutions(torch::nn::Module& module);

/// Conv2d 3×3 (or k×k) with the given padding and bias.
Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t padding, bool bias, int64_t stride = 1);
/// Appends the activation module to `seq`.
void addActivation(torch::nn::Sequential& seq, Activation activation);
/// Dropout, or nothing for p <= 0 (appended to seq).
void addDropout(torch::nn::Sequential& seq, double p);

} // namespace studio::layers
