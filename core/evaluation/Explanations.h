#pragma once
#include "models/Classifier.h"

#include <string>
#include <vector>

namespace studio {

/// Where the evidence for a class lies in one 28×28 image.
struct Explanation {
    std::string method; ///< "grad-cam" (CNNs, on camLayer()) or "saliency" (input gradient, MLP)
    std::string layer;  ///< the explained layer ("input" for saliency)
    int targetClass = 0;
    std::vector<float> heat; ///< 28×28 row-major in [0, 1] (1 at the strongest evidence)
};

/// Grad-CAM (Selvaraju et al.): channel weights = spatial mean of d score / d activation of the
/// model's camLayer(); map = ReLU(Σ weight · activation), bilinearly upsampled to 28×28 and scaled
/// to a maximum of 1. Models without a conv layer get |d score / d input| instead. `image` is
/// 28×28 uint8 (0..255) or float in [0, 1]; the model's training mode is restored.
Explanation explain(ClassifierImpl& model, const torch::Tensor& image, double mean, double std, int targetClass);

/// The activations of one named stage for one image.
struct FeatureMaps {
    std::string layer;
    std::vector<std::int64_t> shape; ///< without the batch dimension (C×H×W, or features)
    std::vector<float> values;
};

/// The names of the model's stages in forward order (what featureMaps accepts).
std::vector<std::string> stageNames(ClassifierImpl& model);
/// The output of stage `layer` for `image` (throws StudioError listing the stages when unknown).
FeatureMaps featureMaps(ClassifierImpl& model, const torch::Tensor& image, double mean, double std,
                        const std::string& layer);

} // namespace studio
