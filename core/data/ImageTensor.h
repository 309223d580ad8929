#pragma once
#include <opencv2/core/mat.hpp>
#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace studio {

/// The one place where grayscale pixels cross between OpenCV, plain bytes and tensors. The rule:
/// every conversion copies, so a result never points into memory its source owns (torch's
/// from_blob and cv::Mat headers do not own what they point at).

/// A uint8 H×W tensor with a copy of `gray` (CV_8UC1, any row stride).
torch::Tensor tensorFromMat(const cv::Mat& gray);
/// A CV_8UC1 rows×cols matrix with a copy of 8-bit pixels whose rows are `stride` bytes apart
/// (a QImage's bytesPerLine, for instance).
cv::Mat matFromBytes(const std::uint8_t* bytes, int rows, int cols, std::size_t stride);
/// A CV_8UC1 matrix with a copy of `pixels` (uint8, H×W).
cv::Mat matFromTensor(const torch::Tensor& pixels);
/// The bytes of uint8 `pixels` (any shape), row-major.
std::vector<std::uint8_t> bytesFromTensor(const torch::Tensor& pixels);
/// A uint8 tensor of `shape` with a copy of `bytes` (which must hold exactly that many).
torch::Tensor tensorFromBytes(const std::uint8_t* bytes, at::IntArrayRef shape);

} // namespace studio
