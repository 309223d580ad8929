#pragma once
#include "evaluation/Explanations.h"
#include "training/Checkpoint.h"

#include <opencv2/core/mat.hpp>

#include <QString>

#include <array>
#include <vector>

namespace studio {

/// Scores single images with a trained checkpoint: the shared path of CLI `predict` and the
/// drawing canvas. Not thread-safe: use one instance per thread.
class Predictor {
public:
    /// Loads the checkpoint (throws StudioError naming the file).
    explicit Predictor(const QString& checkpointPath);

    struct Result {
        std::vector<float> probabilities; ///< one per class, summing to 1
        int predicted = -1;
        cv::Mat input28;                            ///< the preprocessed 28×28 image the model saw
        bool empty = true;                          ///< no ink: probabilities are empty
        cv::Matx23d toInput = cv::Matx23d::zeros(); ///< input pixels → input28 (CanvasPreprocessor)
    };

    /// Preprocesses `gray` (CanvasPreprocessor) and runs the model.
    Result predict(const cv::Mat& gray) const;
    /// Runs the model on an already preprocessed 28×28 CV_8U image.
    std::vector<float> probabilities(const cv::Mat& image28) const;
    /// Runs the model once on a batch of them: N×classes probabilities, row-major.
    std::vector<float> probabilities(const std::vector<cv::Mat>& images28) const;
    int numClasses() const { return m_loaded.meta.data.numClasses; }

    /// What the model's last stage receives for a preprocessed 28×28 CV_8U image (1×D): the
    /// features an embedding map is made of (penultimateFeatures).
    torch::Tensor features(const cv::Mat& image28) const;

    /// Grad-CAM (or saliency for the MLP) of `targetClass` on a preprocessed 28×28 CV_8U image.
    Explanation explain(const cv::Mat& image28, int targetClass);

    const CheckpointMeta& meta() const { return m_loaded.meta; }
    /// How a drawing is scored, chosen at load: with the model's batch norms folded into the
    /// layers before them (layers::foldBatchNorms), on 1 torch thread or 2 (when the machine has
    /// them), in LibTorch's layout or in oneDNN's with packed weights (layers::packConvolutions;
    /// only if it gives the same logits) — whichever of these scored an image fastest. Batches (the
    /// robustness sweep, the worst-case search) run in LibTorch's layout on 2 threads when the
    /// machine has them. Scoring sets the calling thread's torch thread count: use the Predictor
    /// on one thread.
    int threads() const { return m_threads; }
    bool oneDnn() const { return m_oneDnn; }
    /// Divides the logits by `temperature` (> 0) before the softmax: the calibration fitted by
    /// `evaluate` (metrics.json "temperature"). 1 by default; the predicted class never changes.
    void setTemperature(double temperature);
    double temperature() const { return m_temperature; }

private:
    /// Folds, packs, times the ways above and keeps the fastest.
    void choosePath();
    torch::Tensor logits(const torch::Tensor& input) const;

    LoadedModel m_loaded;
    double m_temperature = 1.0;
    int m_threads = 1, m_batchThreads = 1;
    bool m_oneDnn = false;
};

} // namespace studio
