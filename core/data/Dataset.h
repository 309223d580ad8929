#pragma once
#include "data/DatasetInfo.h"

#include <torch/types.h>

#include <string>
#include <vector>

namespace studio {

/// Images (N×28×28 uint8) with their labels (N int64), kept in memory.
struct LabeledImages {
    torch::Tensor images;
    torch::Tensor labels;

    std::int64_t size() const { return labels.defined() ? labels.size(0) : 0; }
    /// The samples at `indices` (int64), in that order.
    LabeledImages select(const torch::Tensor& indices) const;
    /// The first min(n, size()) samples (n <= 0: all).
    LabeledImages head(std::int64_t n) const;
};

/// A train/test pair of IDX sets from one folder with what identifies it (DatasetInfo: name,
/// folder, content fingerprint, counts, class names, the normalisation statistics of its training
/// images rounded to 4 decimals).
struct Dataset : DatasetInfo {
    LabeledImages train;
    LabeledImages test;
};

/// Sets the counts, image size and fingerprint of `dataset` from its tensors: a BLAKE2b-256 over
/// the decoded images and labels (shapes included), so raw and .gz copies of the same data match.
void fillContentInfo(Dataset& dataset);

/// Loads train-images/train-labels/t10k-images/t10k-labels (-idx?-ubyte, raw or .gz, dots or
/// dashes before "idx") from `folder` and fingerprints them. Throws StudioError naming the missing or malformed file,
/// or an image/label count mismatch. Never returns a partial dataset.
Dataset loadDataset(const std::string& folder);

/// Mean and standard deviation of uint8 pixels scaled to [0,1], exact (histogram based).
std::pair<double, double> pixelStatistics(const torch::Tensor& images);

/// True when `folder` holds the four IDX files loadDataset needs.
bool holdsIdxDataset(const std::string& folder);

} // namespace studio
