#include "data/ImageTensor.h"

#include "util/StudioError.h"

#include <cstring>

namespace studio {

torch::Tensor tensorFromMat(const cv::Mat& gray)
{
    if (gray.type() != CV_8UC1)
        throw StudioError("An 8-bit single-channel image was expected.");
    auto t = torch::empty({gray.rows, gray.cols}, torch::kUInt8);
    for (int row = 0; row < gray.rows; ++row)
        std::memcpy(t.data_ptr<std::uint8_t>() + std::int64_t(row) * gray.cols, gray.ptr(row), std::size_t(gray.cols));
    return t;
}

cv::Mat matFromTensor(const torch::Tensor& pixels)
{
    const auto t = pixels.to(torch::kUInt8).contiguous();
    if (t.dim() != 2)
        throw StudioError("A 2-D image tensor was expected.");
    cv::Mat m(int(t.size(0)), int(t.size(1)), CV_8UC1);
    std::memcpy(m.data, t.data_ptr<std::uint8_t>(), std::size_t(t.numel()));
    return m;
}

cv::Mat matFromBytes(const std::uint8_t* bytes, int rows, int cols, std::size_t stride)
{
    cv::Mat m(rows, cols, CV_8UC1);
    for (int row = 0; row < rows; ++row)
        std::memcpy(m.ptr(row), bytes + std::size_t(row) * stride, std::size_t(cols));
    return m;
}

std::vector<std::uint8_t> bytesFromTensor(const torch::Tensor& pixels)
{
    const auto t = pixels.to(torch::kUInt8).contiguous();
    return {t.data_ptr<std::uint8_t>(), t.data_ptr<std::uint8_t>() + t.numel()};
}

torch::Tensor tensorFromBytes(const std::uint8_t* bytes, at::IntArrayRef shape)
{
    auto t = torch::empty(shape, torch::kUInt8);
    std::memcpy(t.data_ptr<std::uint8_t>(), bytes, std::size_t(t.numel()));
    return t;
}

} // namespace studio
