#include "evaluation/ImageScores.h"

#include <algorithm>
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

void sortImages(std::vector<ImageScore>& images, ImageOrder order)
{
    std::stable_sort(images.begin(), images.end(), [order](const ImageScore& a, const ImageScore& b) {
        switch (order) {
        case ImageOrder::Confidence:
            return a.confidence > b.confidence;
        case ImageOrder::Loss:
            return a.loss > b.loss;
        case ImageOrder::Index:
            return a.index < b.index;
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
