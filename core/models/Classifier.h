#pragma once
#include "models/ModelOptions.h"

#include <torch/nn/module.h>
#include <torch/types.h>

#include <memory>
#include <string>

namespace studio {

/// Receives the output of every named stage during a tapped forward pass (model summaries,
/// feature maps, Grad-CAM).
class LayerTap {
public:
    virtual ~LayerTap() = default;
    virtual void onLayer(const std::string& name, const torch::Tensor& output) = 0;
};

/// Base of every studio model: N×1×28×28 standardised images -> N×numClasses logits. Each stage
/// is a registered child whose name the forward pass reports to an optional LayerTap.
class ClassifierImpl : public torch::nn::Module {
public:
    torch::Tensor forward(const torch::Tensor& x) { return forwardTapped(x, nullptr); }
    virtual torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) = 0;
    /// The stage whose output Grad-CAM explains (last convolutional stage); "" for none.
    virtual std::string camLayer() const { return {}; }

protected:
    static torch::Tensor tapped(LayerTap* tap, const char* name, torch::Tensor t)
    {
        if (tap)
            tap->onLayer(name, t);
        return t;
    }
};

using Classifier = std::shared_ptr<ClassifierImpl>;

} // namespace studio
