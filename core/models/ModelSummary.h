#pragma once
#include "models/Classifier.h"

#include <string>
#include <vector>

namespace studio {

/// One stage of a model summary.
struct SummaryRow {
    std::string name;                ///< stage name (child module)
    std::string type;                ///< "Conv2d+ReLU+BatchNorm2d+Dropout", …
    std::vector<std::int64_t> shape; ///< output shape for one image (batch dim 1)
    std::int64_t parameters = 0;
    std::int64_t activationBytes = 0; ///< float32 output size for one image
    std::int64_t multiplyAdds = 0;    ///< of its convolutions and matrix products, one image, forward
};

/// A layer table with totals, like seed 003's torchsummary output.
struct ModelSummary {
    std::vector<SummaryRow> rows;
    std::int64_t totalParameters = 0;
    std::int64_t trainableParameters = 0;
    std::int64_t activationBytes = 0; ///< sum over rows, one image, forward pass
    std::int64_t parameterBytes = 0;
    /// Multiply-adds of one image's forward pass (convolutions and matrix products; what LibTorch's
    /// profiler counts for them, halved: it counts a multiply-add as two operations).
    std::int64_t multiplyAdds = 0;
    /// Those of one training step per image: the forward pass, and twice it backward (the gradients
    /// of each layer's input and of its weights) less the first layer's input gradient, which
    /// nothing needs.
    std::int64_t trainingMultiplyAdds = 0;

    /// Fixed-width text table; its last line is "total params: N".
    std::string toText() const;
};

/// Runs one zero image through the model (eval mode, no grad, under LibTorch's profiler for the
/// multiply-adds) and tabulates every stage.
ModelSummary summarizeModel(ClassifierImpl& model);

} // namespace studio
