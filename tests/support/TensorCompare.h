#pragma once
// Comparing a kernel's result with LibTorch's.
#include <torch/types.h>

namespace studio::test {

/// The largest difference between a and b relative to b's largest magnitude.
inline double relative(const torch::Tensor& a, const torch::Tensor& b)
{
    const auto d = a.to(torch::kDouble), e = b.to(torch::kDouble);
    return ((d - e).abs().max() / e.abs().max().clamp_min(1e-12)).item<double>();
}

} // namespace studio::test
