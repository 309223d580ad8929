#pragma once
#include "data/Dataset.h"
#include "models/Classifier.h"
#include "models/ScoredSet.h"

#include <QString>

#include <functional>

namespace studio {

/// A model's output on a labelled set.
struct Predictions {
    torch::Tensor logits;        ///< N×C float
    torch::Tensor probabilities; ///< N×C float, softmax of the logits
    torch::Tensor labels;        ///< N int64
    torch::Tensor predicted;     ///< N int64, argmax
    double meanLoss = 0.0;       ///< mean cross-entropy
    double accuracy = 0.0;       ///< fraction in [0,1]
    bool cancelled = false;      ///< stopped early by `cancel`; the fields cover nothing

    std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
};

/// Images per forward in `predict`: small batches keep both workers busy to the last batch and
/// the activations in cache (bench_eval: 32…256 all within noise, 1000 slower).
inline constexpr std::int64_t kPredictBatchSize = 128;

/// Runs the model over `data` in batches (eval mode, no grad; the model's training mode is
/// restored afterwards). The calling thread's torch thread count is spent as that many workers of
/// one thread each, taking batches in turn; the result does not depend on which worker ran what.
/// `cancel`, when set, is polled before each batch, from the workers.
Predictions predict(ClassifierImpl& model, const LabeledImages& data, double mean, double std,
                    std::int64_t batchSize = kPredictBatchSize, const std::function<bool()>& cancel = {});

/// The predictions as plain arrays for analysis (labels and logits).
ScoredSet scoredSet(const Predictions& predictions);

} // namespace studio
