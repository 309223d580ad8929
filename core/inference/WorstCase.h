#pragma once
#include "inference/Robustness.h"

#include <opencv2/core/mat.hpp>

#include <cmath>

namespace studio {

class Predictor;

/// The smallest combined change found that makes the model change its answer.
struct WorstCase {
    bool found = false;         ///< false: no change within the sweep ranges flipped the prediction
    int original = -1;          ///< the class predicted for the unchanged image
    int predicted = -1;         ///< the class predicted for the changed one
    float confidence = 0;       ///< its probability
    Change change;              ///< the amounts (perturbationRanges() order)
    double size = std::nan(""); ///< changeSize(change)
    cv::Mat image;              ///< the changed 28×28 image
    int evaluated = 0;          ///< images scored during the search
};

/// Searches for the smallest change (changeSize) of `image28` that flips the prediction: every
/// perturbation alone in both directions and `directions` mixed ones (a fixed pseudo-random set,
/// so the answer is reproducible) are stepped outwards in 8 batched forwards' worth of steps; the
/// rays that flip soonest are then bisected to 1/256 of their length. The smallest found, not a
/// proof of the minimum: a prediction may flip and flip back along a ray.
WorstCase findWorstCase(const Predictor& predictor, const cv::Mat& image28, int directions = 96);

} // namespace studio
