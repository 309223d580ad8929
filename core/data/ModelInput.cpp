#include "data/ModelInput.h"

namespace studio {

torch::Tensor standardise(const torch::Tensor& images01, double mean, double std)
{
    return images01.sub(mean).div_(std);
}

torch::Tensor toModelInput(const torch::Tensor& imagesU8, double mean, double std)
{
    auto x = imagesU8.to(torch::kFloat32).div_(255.0);
    if (x.dim() == 3)
        x = x.unsqueeze(1);
    return standardise(x, mean, std);
}

} // namespace studio
