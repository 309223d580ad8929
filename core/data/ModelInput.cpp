#include "data/ModelInput.h"

namespace studio {

torch::Tensor standardise(const torch::Tensor& images01, double mean, double std)
{
    return images01.sub(mean).div_(std);
}

torch::Tensor markChannelsLast(const torch::Tensor& x)
{
    if (x.dim() != 4 || x.size(1) != 1 || !x.is_contiguous())
        return x;
    return x.as_strided(x.sizes(), {x.stride(0), 1, x.stride(2), x.stride(3)});
}

torch::Tensor toModelInput(const torch::Tensor& imagesU8, double mean, double std)
{
    auto x = imagesU8.to(torch::kFloat32).div_(255.0);
    if (x.dim() == 3)
        x = x.unsqueeze(1);
    return markChannelsLast(standardise(x, mean, std));
}

} // namespace studio
