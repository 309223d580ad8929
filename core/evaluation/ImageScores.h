#pragma once
#include "evaluation/Forgetting.h"
#include "models/ScoredSet.h"

#include <cstdint>
#include <vector>

namespace studio {

/// What the studio shows for one image of a scored set.
struct ImageScore {
    std::int64_t index = 0; ///< position in the set
    int label = 0, predicted = 0;
    double confidence = 0; ///< probability of the predicted class
    double loss = 0;       ///< −log p(label)
    double entropy = 0;    ///< −Σ p log p (nats)
    double margin = 0;     ///< top-1 minus top-2 probability
    bool correct() const { return label == predicted; }
};

/// Every image's score at `temperature`, in set order.
std::vector<ImageScore> imageScores(const ScoredSet& scores, double temperature = 1.0);

/// The misclassified ones, most confident first (the "high-confidence errors" order).
std::vector<ImageScore> misclassified(const std::vector<ImageScore>& images);

/// MostForgotten and LearnedLast need the images' histories over an epoch replay (Forgetting.h).
enum class ImageOrder { Confidence, Loss, Index, MostForgotten, LearnedLast };
/// Sorts by the key (stable): descending for confidence and loss, ascending for index; most
/// forgetting events first; learned at the latest epoch first, images not learned before all.
/// `histories` (by image index) serves the history orders; without them those sort by index.
void sortImages(std::vector<ImageScore>& images, ImageOrder order, const std::vector<ImageHistory>& histories = {});

/// Images whose confidence exceeds `threshold` (default: seed 001's 0.9).
std::vector<ImageScore> aboveConfidence(const std::vector<ImageScore>& images, double threshold = 0.9);

} // namespace studio
