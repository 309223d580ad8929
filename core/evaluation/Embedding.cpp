#include "evaluation/Embedding.h"

#include "data/ModelInput.h"
#include "util/StudioError.h"

#include <torch/torch.h>

#include <vector>

namespace studio {
namespace {

/// Keeps the outputs of the last two stages of a forward pass.
class LastTwoStages : public LayerTap {
public:
    void onLayer(const std::string&, const torch::Tensor& output) override
    {
        previous = last;
        last = output;
    }
    torch::Tensor previous, last;
};

} // namespace

torch::Tensor penultimateFeatures(ClassifierImpl& model, const torch::Tensor& imagesU8, double mean, double std,
                                  std::int64_t batch)
{
    if (imagesU8.dim() != 3 || imagesU8.size(0) == 0)
        throw StudioError("Features need a non-empty N×28×28 set of images.");
    torch::NoGradGuard noGrad;
    const bool training = model.is_training();
    model.eval();
    std::vector<torch::Tensor> parts;
    for (std::int64_t start = 0; start < imagesU8.size(0); start += batch) {
        LastTwoStages tap;
        model.forwardTapped(toModelInput(imagesU8.slice(0, start, start + batch), mean, std), &tap);
        if (!tap.previous.defined())
            throw StudioError("This model reports fewer than two stages: it has no penultimate layer to map.");
        parts.push_back(tap.previous.flatten(1).to(torch::kFloat).contiguous());
    }
    model.train(training);
    return torch::cat(parts);
}

} // namespace studio
