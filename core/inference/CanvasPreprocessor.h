#pragma once
#include <opencv2/core/mat.hpp>
#include <opencv2/core/matx.hpp>

namespace studio {

/// Turns any grayscale drawing or photo of one digit into an MNIST-like 28×28 image, the way
/// MNIST itself was made: crop to the ink, scale to fit 20×20 keeping the aspect ratio
/// (anti-aliased), and place it so its centre of mass sits at the centre of the 28×28 field.
/// The one preprocessing used by `mnist-studio-cli predict` and the drawing canvas.
class CanvasPreprocessor {
public:
    struct Result {
        cv::Mat image;         ///< 28×28 CV_8U, ink bright on black
        bool empty = true;     ///< no ink found: image is all zeros
        bool inverted = false; ///< input was dark ink on a light background
        /// Maps input pixel coordinates to 28×28 coordinates (crop, scale, centring shift);
        /// all zeros when empty.
        cv::Matx23d toInput = cv::Matx23d::zeros();
    };

    /// `gray` is CV_8U, any size. Polarity is detected from the border: a light border means dark
    /// ink, which is inverted first.
    static Result process(const cv::Mat& gray);

    /// Draws a 28×28 CV_32F map (e.g. Grad-CAM heat) back over the input's `size` pixels through
    /// the inverse of `toInput`: where on the drawing the model looked. Zeros outside the digit.
    static cv::Mat mapBack(const cv::Mat& map28, const cv::Matx23d& toInput, cv::Size size);
};

} // namespace studio
