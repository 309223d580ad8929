#pragma once
#include "training/Checkpoint.h"

#include <QString>

#include <string>
#include <utility>
#include <vector>

namespace studio {

/// What an exported file holds, for the message after writing it.
struct OnnxExportSummary {
    std::string architecture;
    int opset = 0;
    int nodes = 0;               ///< operators in the graph
    std::int64_t parameters = 0; ///< weight elements stored
    std::int64_t bytes = 0;      ///< size of the file written

    /// "simple-cnn, ONNX opset 13, 12 nodes, 421,642 parameters, 1,689.4 kB"
    std::string describe() const;
};

/// The ONNX opset exported graphs use.
constexpr int kOnnxOpset = 13;

/// Writes a trained model as an ONNX file (atomically: a failed write leaves what was at `path`).
/// The graph takes "pixels", N×1×H×W float ink intensities in [0, 1] — MNIST's light-on-dark
/// convention, what the canvas preprocessing produces — subtracts the training mean and divides by
/// the std, then runs the model's layers (Conv, BatchNormalization, Relu/Sigmoid, MaxPool, Add,
/// GlobalAveragePool, Flatten, Gemm; dropout left out) to "logits", N×classes. metadata_props
/// carry the architecture, normalisation, class names, dataset and its fingerprint, the config and
/// the studio's version, plus `extra` (e.g. the run id). Before writing, the module chain the graph
/// is built from is run in LibTorch and compared with the model's own forward pass, and the graph
/// passes onnx::checker and strict shape inference. Throws StudioError (one sentence) otherwise.
OnnxExportSummary exportOnnx(const LoadedModel& loaded, const QString& path,
                             const std::vector<std::pair<std::string, std::string>>& extra = {});

} // namespace studio
