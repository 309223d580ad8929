#include "inference/OnnxModel.h"

#include "util/StudioError.h"

#include <onnx/onnx_pb.h>

#include <opencv2/dnn.hpp>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace studio {

struct OnnxModel::Net {
    cv::dnn::Net net;
};

namespace {

/// OpenCV's message without its file, line and function ("… error: (-2:Unspecified error) X in
/// function 'f'" -> "X").
std::string reason(const cv::Exception& e)
{
    return e.err.empty() ? std::string(e.what()) : e.err;
}

} // namespace

OnnxModel::OnnxModel(const QString& path) : m_net(std::make_unique<Net>()), m_path(path)
{
    const auto shown = path.toStdString();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw StudioError("Cannot read " + shown + ": " + file.errorString().toStdString() + ".");
    const QByteArray bytes = file.readAll();
    onnx::ModelProto proto;
    if (bytes.isEmpty() || !proto.ParseFromArray(bytes.constData(), int(bytes.size())) || !proto.has_graph())
        throw StudioError(shown + " is not an ONNX model.");
    for (const auto& p : proto.metadata_props())
        m_metadata[p.key()] = p.value();
    if (auto it = m_metadata.find("class_names"); it != m_metadata.end())
        for (const auto& name : QJsonDocument::fromJson(QByteArray::fromStdString(it->second)).array())
            m_classNames.push_back(name.toString().toStdString());
    try {
        m_net->net = cv::dnn::readNetFromONNX(bytes.constData(), std::size_t(bytes.size()));
        m_net->net.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
        m_net->net.setPreferableTarget(cv::dnn::DNN_TARGET_CPU);
    } catch (const cv::Exception& e) {
        throw StudioError("OpenCV cannot run " + shown + ": " + reason(e) + ".");
    }
    if (m_net->net.empty())
        throw StudioError("OpenCV cannot run " + shown + ": the graph has no layers.");
}

OnnxModel::~OnnxModel() = default;

torch::Tensor OnnxModel::logits(const torch::Tensor& pixels01)
{
    if (pixels01.dim() != 4 || pixels01.size(1) != 1)
        throw StudioError("ONNX input must be N×1×H×W images.");
    const auto input = pixels01.to(torch::kFloat).contiguous();
    const int sizes[] = {int(input.size(0)), 1, int(input.size(2)), int(input.size(3))};
    const cv::Mat blob(4, sizes, CV_32F, input.data_ptr<float>());
    cv::Mat out;
    try {
        m_net->net.setInput(blob);
        out = m_net->net.forward();
    } catch (const cv::Exception& e) {
        throw StudioError("Running " + m_path.toStdString() + " on " + std::to_string(sizes[0]) + " images of " +
                          std::to_string(sizes[2]) + "×" + std::to_string(sizes[3]) + " failed: " + reason(e) + ".");
    }
    const auto rows = std::int64_t(out.size[0]);
    const auto columns = std::int64_t(out.total()) / std::max<std::int64_t>(rows, 1);
    return torch::from_blob(out.ptr<float>(), {rows, columns}, torch::kFloat).clone();
}

std::vector<float> OnnxModel::probabilities(const cv::Mat& image, double temperature)
{
    cv::Mat pixels;
    image.convertTo(pixels, CV_32F, 1.0 / 255);
    const auto batch = torch::from_blob(pixels.ptr<float>(), {1, 1, pixels.rows, pixels.cols}, torch::kFloat);
    const auto p = torch::softmax(logits(batch) / temperature, 1).contiguous();
    return {p.data_ptr<float>(), p.data_ptr<float>() + p.numel()};
}

std::string OnnxModel::className(int c) const
{
    return c >= 0 && std::size_t(c) < m_classNames.size() ? m_classNames[std::size_t(c)] : std::to_string(c);
}

} // namespace studio
