#include "inference/Robustness.h"

#include "inference/Predictor.h"
#include "util/StudioError.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstdio>

namespace studio {
namespace {

/// Erodes (radius < 0) or dilates (> 0) by a whole number of pixels.
cv::Mat morph(const cv::Mat& image, int radius)
{
    if (radius == 0)
        return image.clone();
    const int r = std::abs(radius);
    const auto kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, {2 * r + 1, 2 * r + 1});
    cv::Mat out;
    if (radius > 0)
        cv::dilate(image, out, kernel);
    else
        cv::erode(image, out, kernel);
    return out;
}

/// A fixed standard-normal pattern for the noise axis, the same for every drawing and step.
const cv::Mat& noisePattern()
{
    static const cv::Mat pattern = [] {
        cv::Mat n(28, 28, CV_32F);
        cv::RNG rng(0x5eed);
        rng.fill(n, cv::RNG::NORMAL, 0.0, 1.0);
        return n;
    }();
    return pattern;
}

} // namespace

const std::vector<PerturbationRange>& perturbationRanges()
{
    static const std::vector<PerturbationRange> ranges = {
        {Perturbation::ShiftX, "shift x", "px", -6, 6, 0},      {Perturbation::ShiftY, "shift y", "px", -6, 6, 0},
        {Perturbation::Rotation, "rotation", "°", -45, 45, 0},  {Perturbation::Scale, "scale", "×", 0.5, 1.5, 1},
        {Perturbation::Thickness, "thickness", "px", -2, 2, 0}, {Perturbation::Noise, "noise", "σ", 0, 0.5, 0}};
    return ranges;
}

cv::Mat perturb(const cv::Mat& image28, Perturbation kind, double amount)
{
    if (image28.type() != CV_8UC1 || image28.rows != 28 || image28.cols != 28)
        throw StudioError("A perturbation needs the 28×28 grayscale image the model sees.");
    const cv::Point2f centre(13.5f, 13.5f);
    cv::Mat out;
    switch (kind) {
    case Perturbation::ShiftX:
    case Perturbation::ShiftY:
    case Perturbation::Rotation:
    case Perturbation::Scale: {
        cv::Mat m = kind == Perturbation::Rotation ? cv::getRotationMatrix2D(centre, amount, 1.0)
                    : kind == Perturbation::Scale  ? cv::getRotationMatrix2D(centre, 0.0, amount)
                                                   : cv::Mat(cv::Matx23d(1, 0, 0, 0, 1, 0));
        if (kind == Perturbation::ShiftX)
            m.at<double>(0, 2) = amount;
        if (kind == Perturbation::ShiftY)
            m.at<double>(1, 2) = amount;
        cv::warpAffine(image28, out, m, image28.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
        return out;
    }
    case Perturbation::Thickness: {
        const double whole = std::floor(std::abs(amount)), part = std::abs(amount) - whole;
        const int sign = amount < 0 ? -1 : 1;
        const cv::Mat a = morph(image28, sign * int(whole));
        if (part == 0)
            return a;
        cv::addWeighted(a, 1.0 - part, morph(image28, sign * (int(whole) + 1)), part, 0.0, out);
        return out;
    }
    case Perturbation::Noise: {
        cv::Mat f;
        image28.convertTo(f, CV_32F);
        f += noisePattern() * (amount * 255.0);
        f.convertTo(out, CV_8U); // saturating: clipped to [0, 255]
        return out;
    }
    }
    return image28.clone();
}

Change neutralChange()
{
    Change change;
    for (const auto& range : perturbationRanges())
        change.push_back(range.neutral);
    return change;
}

cv::Mat perturb(const cv::Mat& image28, const Change& change)
{
    const auto& ranges = perturbationRanges();
    if (change.size() != ranges.size())
        throw StudioError("A combined change needs one amount for each of the " + std::to_string(ranges.size()) +
                          " perturbations.");
    const auto amount = [&](Perturbation kind) { return change[std::size_t(kind)]; };
    const auto isNeutral = [&](Perturbation kind) { return amount(kind) == ranges[std::size_t(kind)].neutral; };
    cv::Mat out = image28.clone(); // never warped in place: the caller's image stays as it is
    if (!isNeutral(Perturbation::ShiftX) || !isNeutral(Perturbation::ShiftY) || !isNeutral(Perturbation::Rotation) ||
        !isNeutral(Perturbation::Scale)) {
        if (image28.type() != CV_8UC1 || image28.rows != 28 || image28.cols != 28)
            throw StudioError("A perturbation needs the 28×28 grayscale image the model sees.");
        cv::Mat m =
            cv::getRotationMatrix2D({13.5f, 13.5f}, amount(Perturbation::Rotation), amount(Perturbation::Scale));
        m.at<double>(0, 2) += amount(Perturbation::ShiftX);
        m.at<double>(1, 2) += amount(Perturbation::ShiftY);
        cv::warpAffine(image28, out, m, image28.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT, 0);
    }
    for (auto kind : {Perturbation::Thickness, Perturbation::Noise})
        if (!isNeutral(kind))
            out = perturb(out, kind, amount(kind));
    return out;
}

double changeSize(const Change& change)
{
    const auto& ranges = perturbationRanges();
    double sum = 0;
    for (std::size_t i = 0; i < ranges.size() && i < change.size(); ++i) {
        const double reach = std::max(ranges[i].high - ranges[i].neutral, ranges[i].neutral - ranges[i].low);
        const double d = (change[i] - ranges[i].neutral) / reach;
        sum += d * d;
    }
    return std::sqrt(sum);
}

std::string describeChange(const Change& change)
{
    const auto& ranges = perturbationRanges();
    std::string text;
    for (std::size_t i = 0; i < ranges.size() && i < change.size(); ++i) {
        if (change[i] == ranges[i].neutral)
            continue;
        const bool factor = ranges[i].kind == Perturbation::Scale, plain = ranges[i].kind == Perturbation::Noise;
        const double shown = factor ? change[i] : change[i] - ranges[i].neutral;
        char number[32];
        std::snprintf(number, sizeof number, factor || plain ? "%.2f" : "%+.1f", shown);
        std::string value = number;
        if (value[0] == '-')
            value = "\u2212" + value.substr(1); // a real minus sign
        const std::string unit = ranges[i].unit == "°" || ranges[i].unit == "×" ? ranges[i].unit : " " + ranges[i].unit;
        text += (text.empty() ? "" : ", ") + ranges[i].name + " " +
                (ranges[i].kind == Perturbation::Noise ? "σ " + value : value + unit);
    }
    return text.empty() ? "no change" : text;
}

RobustnessSweep sweepRobustness(const Predictor& predictor, const cv::Mat& image28, int steps)
{
    if (steps < 3 || steps % 2 == 0)
        throw StudioError("A robustness sweep needs an odd number of steps, at least 3.");
    const auto& ranges = perturbationRanges();
    std::vector<cv::Mat> batch{image28.clone()};
    RobustnessSweep sweep;
    for (const auto& range : ranges) {
        AxisResponse axis;
        axis.range = range;
        for (int i = 0; i < steps; ++i) {
            // the middle step is exactly neutral on symmetric ranges; noise starts at it
            const double t = double(i) / double(steps - 1);
            double amount = range.low + (range.high - range.low) * t;
            if (i == steps / 2 && range.neutral != range.low)
                amount = range.neutral;
            axis.amounts.push_back(amount);
            batch.push_back(perturb(image28, range.kind, amount));
        }
        sweep.axes.push_back(std::move(axis));
    }
    const auto probabilities = predictor.probabilities(batch); // one forward for every step
    const auto c = std::size_t(predictor.numClasses());
    sweep.numClasses = int(c);
    const auto argmax = [&](std::size_t row) {
        const float* p = probabilities.data() + row * c;
        return int(std::max_element(p, p + c) - p);
    };
    sweep.original = argmax(0);
    std::size_t row = 1;
    for (auto& axis : sweep.axes) {
        axis.probabilities.assign(probabilities.begin() + std::ptrdiff_t(row * c),
                                  probabilities.begin() + std::ptrdiff_t((row + axis.amounts.size()) * c));
        for (std::size_t i = 0; i < axis.amounts.size(); ++i)
            axis.predicted.push_back(argmax(row + i));
        row += axis.amounts.size();
        const auto neutral =
            std::size_t(std::find(axis.amounts.begin(), axis.amounts.end(), axis.range.neutral) - axis.amounts.begin());
        for (std::size_t i = neutral + 1; i < axis.amounts.size() && std::isnan(axis.flipAbove); ++i)
            if (axis.predicted[i] != sweep.original)
                axis.flipAbove = axis.amounts[i];
        for (std::size_t i = neutral; i-- > 0 && std::isnan(axis.flipBelow);)
            if (axis.predicted[i] != sweep.original)
                axis.flipBelow = axis.amounts[i];
    }
    return sweep;
}

} // namespace studio
