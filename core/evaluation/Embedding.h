#pragma once
#include "evaluation/Pca.h"
#include "models/Classifier.h"

#include <QString>

#include <torch/types.h>

namespace studio {

/// What a model's last stage receives for each image: the output of the stage before it,
/// flattened (N×D; e.g. simple-cnn's 128 fc1 units, resnet's pooled channels). `imagesU8`: N×28×28
/// uint8 pixels, standardised with `mean` and `std` as the model was trained; scored in eval mode
/// in batches of `batch`.
torch::Tensor penultimateFeatures(ClassifierImpl& model, const torch::Tensor& imagesU8, double mean, double std,
                                  std::int64_t batch = 500);

/// A 2-D map of feature vectors (PCA or t-SNE) and the means to place new vectors on it.
struct EmbeddingMap {
    torch::Tensor features; ///< N×D float: the points mapped
    Pca pca;                ///< two principal components of the features
    torch::Tensor layout;   ///< N×2 float: each point's place on the map
    bool tsne = false;

    /// Where new feature vectors (M×D) fall on the map (M×2): their PCA projection; on a t-SNE
    /// map (which has no projection) the mean of the places of their `k` nearest mapped points in
    /// feature space, weighted by 1 / distance (a vector equal to a mapped one lands on it).
    torch::Tensor place(const torch::Tensor& query, int k = 10) const;
};

/// The PCA map of `features` (N×D, N ≥ 2); its layout is the projection on the two components.
EmbeddingMap pcaMap(const torch::Tensor& features);

/// Stores a layout (N×2 float) at `path` atomically, with its point count. Throws StudioError
/// naming the file.
void saveLayout(const QString& path, const torch::Tensor& layout);
/// The layout stored at `path` when it holds exactly `points` finite points; undefined otherwise
/// (missing, truncated, another size, another format: a cache entry to recompute).
torch::Tensor loadLayout(const QString& path, std::int64_t points);

} // namespace studio
