#pragma once
#include <opencv2/core/mat.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace studio {

class Predictor;

/// One way to bend a drawing, in the 28×28 frame the model sees.
enum class Perturbation { ShiftX, ShiftY, Rotation, Scale, Thickness, Noise };

/// The range a sweep covers along a perturbation, and the amount that leaves the image unchanged.
struct PerturbationRange {
    Perturbation kind;
    std::string name; ///< "shift x", "rotation", …
    std::string unit; ///< "px", "°", "×", "σ"
    double low = 0, high = 0, neutral = 0;
};

/// Every perturbation with its sweep range: shifts ±6 px, rotation ±45°, scale 0.5–1.5×, stroke
/// thickness ±2 px (erosion below 0, dilation above; fractions blend the neighbouring whole
/// pixels), Gaussian noise σ 0–0.5 of full scale (one fixed noise pattern, scaled).
const std::vector<PerturbationRange>& perturbationRanges();

/// `image28` (CV_8UC1, 28×28, ink bright) bent by `amount` of `kind`: shifts, rotation and scale
/// about the frame's centre with bilinear sampling and black outside.
cv::Mat perturb(const cv::Mat& image28, Perturbation kind, double amount);

/// A combined change: one amount per perturbation, in perturbationRanges() order.
using Change = std::vector<double>;

/// The change that leaves an image as it is (every neutral amount).
Change neutralChange();

/// `image28` bent by every amount of `change` at once: rotation, scale and shift as one affine
/// warp about the centre, then the stroke thickness, then the noise. With one amount away from
/// neutral it is exactly perturb(image28, kind, amount).
cv::Mat perturb(const cv::Mat& image28, const Change& change);

/// How big a change is: the root of the sum of squares of each amount's distance from neutral as
/// a fraction of its range's reach (6 px, 45°, 0.5×, 2 px, 0.5 σ), so that 1 is one full axis.
double changeSize(const Change& change);

/// The change in words, its non-neutral amounts only: "rotation −12°, thickness +0.6 px".
std::string describeChange(const Change& change);

/// The model's answer along one perturbation.
struct AxisResponse {
    PerturbationRange range;
    std::vector<double> amounts;      ///< ascending steps from low to high, the neutral amount among them
    std::vector<float> probabilities; ///< per step, per class (row-major)
    std::vector<int> predicted;       ///< per step
    /// The smallest change below / above the neutral amount at which the prediction first differs
    /// from the unperturbed image's (NaN: it holds over the whole side).
    double flipBelow = std::nan(""), flipAbove = std::nan("");
};

/// The drawing swept along every perturbation, all steps scored in one batched forward.
struct RobustnessSweep {
    int original = -1; ///< the class predicted for the unperturbed image
    int numClasses = 0;
    std::vector<AxisResponse> axes;
};

/// Sweeps `image28` over every perturbation in `steps` steps (odd, ≥ 3, so the neutral amount is
/// one of them).
RobustnessSweep sweepRobustness(const Predictor& predictor, const cv::Mat& image28, int steps = 41);

} // namespace studio
