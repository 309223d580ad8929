#pragma once
#include <torch/types.h>

#include <string>

namespace studio {

/// IDX magic numbers (big-endian): two zero bytes, element type 0x08 (unsigned byte), dimensions.
constexpr unsigned kIdxImagesMagic = 0x00000803;
constexpr unsigned kIdxLabelsMagic = 0x00000801;

/// Reads an IDX image file (raw or gzip, told apart by content) into an N×28×28 uint8 tensor.
/// Throws StudioError naming the file and the problem: unreadable, wrong magic, unsupported
/// element type, dimensions other than N×28×28, truncated or oversized payload, corrupt gzip.
torch::Tensor readIdxImages(const std::string& path);

/// Reads an IDX label file into an N int64 tensor; every label must lie in [0, numClasses).
torch::Tensor readIdxLabels(const std::string& path, int numClasses = 10);

/// Writes an IDX file (uncompressed, or gzip when the path ends in .gz). Used by tests, benches
/// and exports; `data` is uint8 with 1 (labels) or 3 (images) dimensions.
void writeIdx(const std::string& path, const torch::Tensor& data);

} // namespace studio
