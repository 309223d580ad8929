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

class ClassifierImpl;
using Classifier = std::shared_ptr<ClassifierImpl>;

/// What every studio model is besides a module: N×1×28×28 standardised images -> N×numClasses
/// logits, each stage a registered child whose name the forward pass reports to an optional
/// LayerTap. Models follow the C++ frontend's idiom, `XxxImpl : torch::nn::Cloneable<XxxImpl>,
/// ClassifierImpl` with an `XxxOptions` and `reset()` building every submodule; the module base is
/// virtual, as Cloneable's is, so the two share one module.
class ClassifierImpl : public virtual torch::nn::Module {
public:
    torch::Tensor forward(const torch::Tensor& x) { return forwardTapped(x, nullptr); }
    virtual torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap* tap) = 0;
    /// The stage whose output Grad-CAM explains (last convolutional stage); "" for none.
    virtual std::string camLayer() const { return {}; }
    /// An independent deep copy (parameters, buffers, training mode, layout, folded batch norms and
    /// packed convolutions) with identical outputs: Cloneable's clone() as a classifier.
    Classifier cloneClassifier() const;

protected:
    static torch::Tensor tapped(LayerTap* tap, const char* name, torch::Tensor t)
    {
        if (tap)
            tap->onLayer(name, t);
        return t;
    }
};

} // namespace studio
