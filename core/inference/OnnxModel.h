#pragma once
#include <opencv2/core/mat.hpp>

#include <torch/types.h>

#include <QString>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace studio {

/// An ONNX file run through OpenCV's DNN module (cv::dnn::readNetFromONNX): how `predict --onnx`
/// checks an exported model without the studio's checkpoint, and how tests compare an export with
/// LibTorch. The graph is expected to take N×1×H×W float pixels in [0, 1] (the normalisation inside
/// it, as exportOnnx writes). Not thread-safe: one instance per thread.
class OnnxModel {
public:
    /// Reads and loads the file; throws StudioError naming it when it is missing, not ONNX, or not
    /// something OpenCV can run.
    explicit OnnxModel(const QString& path);
    ~OnnxModel();

    /// Logits of a float N×1×H×W batch of [0, 1] pixels.
    torch::Tensor logits(const torch::Tensor& pixels01);
    /// Softmax of logits / temperature for one preprocessed H×W CV_8U image.
    std::vector<float> probabilities(const cv::Mat& image, double temperature = 1.0);

    /// metadata_props of the file ("architecture", "class_names", "dataset", …; empty for files
    /// exported elsewhere).
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }
    /// Class `c`'s name from the metadata, or its number.
    std::string className(int c) const;

private:
    struct Net;
    std::unique_ptr<Net> m_net;
    std::map<std::string, std::string> m_metadata;
    std::vector<std::string> m_classNames;
    QString m_path;
};

} // namespace studio
