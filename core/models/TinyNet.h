#pragma once
#include "models/Classifier.h"

#include <torch/nn/modules/container/sequential.h>

namespace studio {

/// Seed 003's sub-10k CNNs: bias-free 3×3 convs each followed by ReLU, BatchNorm and small
/// dropout; a 1×1 transition to 10 channels and 2×2 max-pool; global average pooling.
///  v1: head 1×1 conv 10→10 (7,720 parameters, dropout 0.01)
///  v2: head Linear 10→10   (7,730 parameters, dropout 0.025)
///  v3: an extra 10→10 conv after the pool, Linear head (8,650 parameters, dropout 0.025)
class TinyNetImpl : public ClassifierImpl {
public:
    TinyNetImpl(const ModelOptions& options, int version);
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) override;
    std::string camLayer() const override { return m_lastConv; }

private:
    std::vector<std::pair<std::string, torch::nn::Sequential>> m_stages;
    std::string m_lastConv;
};

} // namespace studio
