#pragma once
#include "data/Dataset.h"

#include <QString>

namespace studio::test {

/// A small learnable 10-class dataset: class c is a bright 8×5 block at one of ten positions,
/// jittered by ±1 pixel, over faint noise. Deterministic for a seed.
Dataset syntheticDataset(std::int64_t trainPerClass, std::int64_t testPerClass, std::uint64_t seed = 1);

/// Writes the dataset as the four IDX files (gzip when `gz`) into `folder`.
void writeIdxFolder(const Dataset& dataset, const QString& folder, bool gz = false);

/// The MNIST folder the set-up script fills, or "" when it is absent (tests then QSKIP).
QString mnistFolder();

} // namespace studio::test
