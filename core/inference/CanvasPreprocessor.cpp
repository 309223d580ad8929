#include "inference/CanvasPreprocessor.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace studio {
namespace {

/// Mean of the outermost rows and columns.
double borderMean(const cv::Mat& g)
{
    double sum = 0;
    int n = 0;
    for (int x = 0; x < g.cols; ++x) {
        sum += g.at<std::uint8_t>(0, x) + g.at<std::uint8_t>(g.rows - 1, x);
        n += 2;
    }
    for (int y = 1; y + 1 < g.rows; ++y) {
        sum += g.at<std::uint8_t>(y, 0) + g.at<std::uint8_t>(y, g.cols - 1);
        n += 2;
    }
    return n ? sum / n : 0.0;
}

} // namespace

CanvasPreprocessor::Result CanvasPreprocessor::process(const cv::Mat& input)
{
    Result r;
    r.image = cv::Mat::zeros(28, 28, CV_8U);
    if (input.empty() || input.type() != CV_8U)
        return r;
    cv::Mat ink = input;
    if (borderMean(input) > 127.0) {
        cv::bitwise_not(input, ink);
        r.inverted = true;
    }
    // Suppress faint background noise relative to the strongest ink, then crop to what is left.
    double maxValue = 0;
    cv::minMaxLoc(ink, nullptr, &maxValue);
    if (maxValue < 16)
        return r;
    cv::Mat mask;
    cv::threshold(ink, mask, std::max(8.0, maxValue * 0.1), 255, cv::THRESH_BINARY);
    const cv::Rect box = cv::boundingRect(mask);
    if (box.area() == 0)
        return r;
    cv::Mat crop = ink(box);

    // Fit the longer side to 20 pixels (INTER_AREA anti-aliases when shrinking).
    const double scale = 20.0 / std::max(box.width, box.height);
    const cv::Size fitted(std::max(1, static_cast<int>(std::lround(box.width * scale))),
                          std::max(1, static_cast<int>(std::lround(box.height * scale))));
    cv::Mat small;
    cv::resize(crop, small, fitted, 0, 0, scale < 1.0 ? cv::INTER_AREA : cv::INTER_LINEAR);

    // Translate so the centre of mass lands on (14, 14) — sub-pixel, bilinear.
    const cv::Moments m = cv::moments(small, false);
    if (m.m00 <= 0)
        return r;
    const double cx = m.m10 / m.m00, cy = m.m01 / m.m00;
    // MNIST's centre of mass is (14, 14) in pixel-index coordinates, as cv::moments measures it.
    cv::Mat shift = (cv::Mat_<double>(2, 3) << 1, 0, 14.0 - cx, 0, 1, 14.0 - cy);
    cv::warpAffine(small, r.image, shift, cv::Size(28, 28), cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
    r.empty = cv::countNonZero(r.image) == 0;
    // Pixel centres: cv::resize maps source x to (x + 0.5) · s − 0.5 of the cropped box.
    const double sx = double(fitted.width) / box.width, sy = double(fitted.height) / box.height;
    r.toInput = cv::Matx23d(sx, 0, (0.5 - box.x) * sx - 0.5 + 14.0 - cx, //
                            0, sy, (0.5 - box.y) * sy - 0.5 + 14.0 - cy);
    return r;
}

cv::Mat CanvasPreprocessor::mapBack(const cv::Mat& map28, const cv::Matx23d& toInput, cv::Size size)
{
    cv::Mat out = cv::Mat::zeros(size, CV_32F);
    if (map28.empty() || toInput(0, 0) == 0)
        return out;
    cv::Mat source;
    map28.convertTo(source, CV_32F);
    // WARP_INVERSE_MAP: `toInput` takes each output (input-image) pixel to where it sits in 28×28.
    cv::warpAffine(source, out, cv::Mat(toInput), size, cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT,
                   cv::Scalar(0));
    return out;
}

} // namespace studio
