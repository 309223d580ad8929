#include "evaluation/Explanations.h"

#include "data/ModelInput.h"
#include "util/StudioError.h"

#include <torch/autograd.h>
#include <torch/nn/functional/upsampling.h>

namespace studio {
namespace {

torch::Tensor modelInput(const torch::Tensor& image, double mean, double std)
{
    const auto x = image.reshape({1, 1, 28, 28});
    return x.scalar_type() == torch::kUInt8 ? toModelInput(x, mean, std)
                                            : standardise(x.to(torch::kFloat32), mean, std);
}

/// Keeps the output of one named stage (or the names of all).
class StageCatcher : public LayerTap {
public:
    explicit StageCatcher(std::string wanted = {}) : m_wanted(std::move(wanted)) {}
    void onLayer(const std::string& name, const torch::Tensor& output) override
    {
        names.push_back(name);
        if (name == m_wanted)
            caught = output;
    }
    std::vector<std::string> names;
    torch::Tensor caught;

private:
    std::string m_wanted;
};

/// Restores training mode on scope exit.
struct EvalScope {
    explicit EvalScope(ClassifierImpl& m) : model(m), wasTraining(m.is_training()) { model.eval(); }
    ~EvalScope() { model.train(wasTraining); }
    ClassifierImpl& model;
    bool wasTraining;
};

std::vector<float> normalisedMap(torch::Tensor map) // 28×28
{
    map = map.to(torch::kFloat32).contiguous();
    const float top = map.max().item<float>();
    if (top > 0)
        map = map / top;
    return {map.data_ptr<float>(), map.data_ptr<float>() + map.numel()};
}

} // namespace

Explanation explain(ClassifierImpl& model, const torch::Tensor& image, double mean, double std, int targetClass)
{
    EvalScope scope(model);
    torch::AutoGradMode grad(true);
    Explanation out;
    out.targetClass = targetClass;
    const std::string layer = model.camLayer();
    if (!layer.empty()) {
        StageCatcher catcher(layer);
        const auto logits = model.forwardTapped(modelInput(image, mean, std), &catcher);
        if (!catcher.caught.defined() || catcher.caught.dim() != 4)
            throw StudioError("Grad-CAM: stage " + layer + " gave no feature map.");
        const auto score = logits[0][targetClass];
        const auto grads = torch::autograd::grad({score}, {catcher.caught})[0];
        const auto weights = grads.mean({2, 3}, true);                            // 1×C×1×1
        auto cam = torch::relu((weights * catcher.caught).sum(1, true)).detach(); // 1×1×h×w
        cam = torch::nn::functional::interpolate(cam, torch::nn::functional::InterpolateFuncOptions()
                                                          .size(std::vector<std::int64_t>{28, 28})
                                                          .mode(torch::kBilinear)
                                                          .align_corners(false));
        out.method = "grad-cam";
        out.layer = layer;
        out.heat = normalisedMap(cam.reshape({28, 28}));
        return out;
    }
    auto input = modelInput(image, mean, std).detach().requires_grad_(true);
    const auto logits = model.forward(input);
    const auto grads = torch::autograd::grad({logits[0][targetClass]}, {input})[0];
    out.method = "saliency";
    out.layer = "input";
    out.heat = normalisedMap(grads.abs().reshape({28, 28}));
    return out;
}

std::vector<std::string> stageNames(ClassifierImpl& model)
{
    EvalScope scope(model);
    torch::NoGradGuard noGrad;
    StageCatcher catcher;
    model.forwardTapped(torch::zeros({1, 1, 28, 28}), &catcher);
    return catcher.names;
}

FeatureMaps featureMaps(ClassifierImpl& model, const torch::Tensor& image, double mean, double std,
                        const std::string& layer)
{
    EvalScope scope(model);
    torch::NoGradGuard noGrad;
    StageCatcher catcher(layer);
    model.forwardTapped(modelInput(image, mean, std), &catcher);
    if (!catcher.caught.defined()) {
        std::string known;
        for (const auto& n : catcher.names)
            known += (known.empty() ? "" : ", ") + n;
        throw StudioError("The model has no stage \"" + layer + "\"; its stages: " + known + ".");
    }
    FeatureMaps out;
    out.layer = layer;
    const auto t = catcher.caught[0].to(torch::kFloat32).contiguous();
    out.shape.assign(t.sizes().begin(), t.sizes().end());
    out.values.assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
    return out;
}

} // namespace studio
