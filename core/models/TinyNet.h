#pragma once
#include "models/Classifier.h"

#include <torch/arg.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <utility>
#include <vector>

namespace studio {

struct TinyNetOptions {
    /// Version 1, 2 or 3, with that version's dropout.
    explicit TinyNetOptions(int version = 1) : version_(version), dropout_(version == 1 ? 0.01 : 0.025) {}
    TORCH_ARG(int, version);
    TORCH_ARG(double, dropout); ///< after every conv block
    TORCH_ARG(int64_t, num_classes) = 10;
};

/// Seed 003's sub-10k CNNs: bias-free 3×3 convs each followed by ReLU, BatchNorm and small
/// dropout; a 1×1 transition to 10 channels and 2×2 max-pool; global average pooling.
///  v1: head 1×1 conv 10→10 (7,720 parameters, dropout 0.01)
///  v2: head Linear 10→10   (7,730 parameters, dropout 0.025)
///  v3: an extra 10→10 conv after the pool, Linear head (8,650 parameters, dropout 0.025)
class TinyNetImpl : public torch::nn::Cloneable<TinyNetImpl>, public ClassifierImpl {
public:
    explicit TinyNetImpl(const TinyNetOptions& options = TinyNetOptions());
    void reset() override;
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return "conv7"; }

    TinyNetOptions options;

private:
    std::vector<std::pair<std::string, torch::nn::Sequential>> m_stages;
};
TORCH_MODULE(TinyNet);

} // namespace studio
