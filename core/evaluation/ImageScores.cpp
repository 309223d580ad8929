#include "evaluation/ImageScores.h"

#include <algorithm>
#include <climits>
#include <cmath>

namespace studio {

std::vector<ImageScore> imageScores(const ScoredSet& s, double temperature)
{
    const auto probs = s.probabilities(temperature);
    const auto c = std::size_t(s.numClasses);
    std::vector<ImageScore> out;
    out.reserve(s.labels.size());
    for (std::size_t i = 0; i < s.labels.size(); ++i) {
        const double* p = probs.data() + i * c;
        ImageScore score;
        score.index = std::int64_t(i);
        score.label = s.labels[i];
        double first = -1, second = -1;
        for (std::size_t k = 0; k < c; ++k) {
            if (p[k] > first) {
                second = first;
                first = p[k];
                score.predicted = int(k);
            } else if (p[k] > second) {
                second = p[k];
            }
            if (p[k] > 0)
                score.entropy -= p[k] * std::log(p[k]);
        }
        score.confidence = first;
        score.margin = first - std::max(second, 0.0);
        score.loss = -std::log(std::max(p[std::size_t(score.label)], 1e-300));
        out.push_back(score);
    }
    return out;
}

std::vector<ImageScore> misclassified(const std::vector<ImageScore>& images)
{
    std::vector<ImageScore> out;
    std::copy_if(images.begin(), images.end(), std::back_inserter(out),
                 [](const ImageScore& s) { return !s.correct(); });
    sortImages(out, ImageOrder::Confidence);
    return out;
}

void sortImages(std::vector<ImageScore>& images, ImageOrder order, const std::vector<ImageHistory>& histories)
{
    const auto history = [&](const ImageScore& s) {
        return std::size_t(s.index) < histories.size() ? histories[std::size_t(s.index)] : ImageHistory{};
    };
    const bool byHistory = order == ImageOrder::MostForgotten || order == ImageOrder::LearnedLast;
    if (byHistory && histories.empty())
        order = ImageOrder::Index;
    std::stable_sort(images.begin(), images.end(), [&](const ImageScore& a, const ImageScore& b) {
        switch (order) {
        case ImageOrder::Confidence:
            return a.confidence > b.confidence;
        case ImageOrder::Loss:
            return a.loss > b.loss;
        case ImageOrder::Index:
            return a.index < b.index;
        case ImageOrder::MostForgotten:
            return history(a).forgettingEvents > history(b).forgettingEvents;
        case ImageOrder::LearnedLast: {
            const auto late = [](const ImageHistory& h) { return h.learnedAt == 0 ? INT_MAX : h.learnedAt; };
            return late(history(a)) > late(history(b));
        }
        }
        return false;
    });
}

std::vector<ImageScore> aboveConfidence(const std::vector<ImageScore>& images, double threshold)
{
    std::vector<ImageScore> out;
    std::copy_if(images.begin(), images.end(), std::back_inserter(out),
                 [threshold](const ImageScore& s) { return s.confidence > threshold; });
    return out;
}

} // namespace studio
