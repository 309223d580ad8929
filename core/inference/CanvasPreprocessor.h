#pragma once
#include <opencv2/core/mat.hpp>

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
    };

    /// `gray` is CV_8U, any size. Polarity is detected from the border: a light border means dark
    /// ink, which is inverted first.
    static Result process(const cv::Mat& gray);
};

} // namespace studio
