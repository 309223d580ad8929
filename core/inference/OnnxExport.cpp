#include "inference/OnnxExport.h"

#include "data/ModelInput.h"
#include "models/Layers.h"
#include "models/ResNet.h"
#include "util/LibraryVersions.h"
#include "util/StudioError.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/dropout.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace studio {
namespace {

void setInts(onnx::NodeProto* node, const char* name, std::initializer_list<std::int64_t> values)
{
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (auto v : values)
        a->add_ints(v);
}

void setInt(onnx::NodeProto* node, const char* name, std::int64_t value)
{
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void setFloat(onnx::NodeProto* node, const char* name, float value)
{
    auto* a = node->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(value);
}

void declare(onnx::ValueInfoProto* value, const std::string& name, std::initializer_list<std::int64_t> dims)
{
    value->set_name(name);
    auto* tensor = value->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    auto* shape = tensor->mutable_shape();
    shape->add_dim()->set_dim_param("N"); // any batch size
    for (auto d : dims)
        shape->add_dim()->set_dim_value(d);
}

/// Walks a model's modules in registration order — the order every studio model's forward pass
/// runs them — emitting one ONNX node per operation, and runs the same chain in LibTorch (`x`) so
/// the result can be compared with the model's own forward pass.
class GraphWriter {
public:
    GraphWriter(onnx::GraphProto& graph, torch::Tensor pixels) : x(std::move(pixels)), m_graph(graph) {}

    void normalise(double mean, double std)
    {
        node("Sub", "normalise.sub", {m_value, weight("normalisation.mean", torch::tensor(float(mean)), false)});
        node("Div", "normalise.div", {m_value, weight("normalisation.std", torch::tensor(float(std)), false)});
        x = standardise(x, mean, std);
    }

    void module(const std::string& path, torch::nn::Module& m);
    /// Names the last node's output "logits".
    void finish() { m_graph.mutable_node(m_graph.node_size() - 1)->set_output(0, "logits"); }

    torch::Tensor x;
    std::int64_t parameters = 0;

private:
    /// An initializer; `parameter`: counted in `parameters` (batch-norm statistics and the
    /// normalisation constants are not, as LibTorch does not count them).
    std::string weight(const std::string& name, const torch::Tensor& t, bool parameter = true)
    {
        const auto c = t.detach().to(torch::kFloat).contiguous(); // row-major, as ONNX stores tensors
        auto* init = m_graph.add_initializer();
        init->set_name(name);
        init->set_data_type(onnx::TensorProto::FLOAT);
        for (auto d : c.sizes())
            init->add_dims(d);
        init->set_raw_data(c.data_ptr<float>(), std::size_t(c.numel()) * sizeof(float));
        parameters += parameter ? c.numel() : 0;
        return name;
    }

    onnx::NodeProto* node(const char* op, const std::string& name, std::initializer_list<std::string> inputs)
    {
        auto* n = m_graph.add_node();
        n->set_op_type(op);
        n->set_name(name);
        for (const auto& i : inputs)
            n->add_input(i);
        n->add_output(name);
        m_value = name;
        return n;
    }

    void conv(const std::string& path, torch::nn::Conv2dImpl& c);
    void batchNorm(const std::string& path, torch::Tensor w, torch::Tensor b, torch::Tensor mean, torch::Tensor var,
                   double eps);
    void residual(const std::string& path, torch::nn::Module& block);
    void relu(const std::string& name)
    {
        node("Relu", name, {m_value});
        x = torch::relu(x);
    }

    onnx::GraphProto& m_graph;
    std::string m_value = "pixels";
};

void GraphWriter::conv(const std::string& path, torch::nn::Conv2dImpl& c)
{
    const auto& o = c.options;
    const auto* padding = c10::get_if<torch::ExpandingArray<2>>(&o.padding());
    if (!padding || !c10::holds_alternative<torch::enumtype::kZeros>(o.padding_mode()))
        throw StudioError("Convolution " + path + " uses a padding ONNX export does not write.");
    const auto& k = o.kernel_size();
    const auto& s = o.stride();
    const auto& d = o.dilation();
    const auto& p = *padding;
    auto* n = c.bias.defined()
                  ? node("Conv", path, {m_value, weight(path + ".weight", c.weight), weight(path + ".bias", c.bias)})
                  : node("Conv", path, {m_value, weight(path + ".weight", c.weight)});
    setInts(n, "kernel_shape", {k->at(0), k->at(1)});
    setInts(n, "strides", {s->at(0), s->at(1)});
    setInts(n, "pads", {p->at(0), p->at(1), p->at(0), p->at(1)});
    setInts(n, "dilations", {d->at(0), d->at(1)});
    setInt(n, "group", o.groups());
    x = c.forward(x);
}

void GraphWriter::batchNorm(const std::string& path, torch::Tensor w, torch::Tensor b, torch::Tensor mean,
                            torch::Tensor var, double eps)
{
    if (!mean.defined())
        throw StudioError("Batch norm " + path + " keeps no running statistics, so it has no inference form.");
    const auto channels = mean.size(0);
    w = w.defined() ? w : torch::ones({channels});
    b = b.defined() ? b : torch::zeros({channels});
    auto* n = node("BatchNormalization", path,
                   {m_value, weight(path + ".weight", w), weight(path + ".bias", b),
                    weight(path + ".running_mean", mean, false), weight(path + ".running_var", var, false)});
    setFloat(n, "epsilon", float(eps));
    x = torch::batch_norm(x, w, b, mean, var, false, 0.0, eps, false);
}

/// Seed 000's block: conv-BN-ReLU-conv-BN, plus the shortcut (identity or conv-BN), then ReLU.
void GraphWriter::residual(const std::string& path, torch::nn::Module& block)
{
    auto children = block.named_children();
    const auto input = m_value;
    const auto inputX = x;
    module(path + ".conv1", *children["conv1"]);
    module(path + ".bn1", *children["bn1"]);
    relu(path + ".relu1");
    module(path + ".conv2", *children["conv2"]);
    module(path + ".bn2", *children["bn2"]);
    const auto main = m_value;
    const auto mainX = x;
    m_value = input;
    x = inputX;
    module(path + ".shortcut", *children["shortcut"]); // empty: the identity
    node("Add", path + ".add", {main, m_value});
    x = mainX + x;
    relu(path + ".relu2");
}

void GraphWriter::module(const std::string& path, torch::nn::Module& m)
{
    if (auto* seq = m.as<torch::nn::Sequential>()) {
        for (const auto& child : seq->named_children())
            module(path + "." + child.key(), *child.value());
    } else if (auto* c = m.as<torch::nn::Conv2d>()) {
        conv(path, *c);
    } else if (auto* bn = m.as<torch::nn::BatchNorm2d>()) {
        batchNorm(path, bn->weight, bn->bias, bn->running_mean, bn->running_var, bn->options.eps());
    } else if (auto* bn1 = m.as<torch::nn::BatchNorm1d>()) {
        batchNorm(path, bn1->weight, bn1->bias, bn1->running_mean, bn1->running_var, bn1->options.eps());
    } else if (m.as<torch::nn::ReLU>()) {
        relu(path);
    } else if (m.as<torch::nn::Sigmoid>()) {
        node("Sigmoid", path, {m_value});
        x = torch::sigmoid(x);
    } else if (m.as<torch::nn::Dropout>()) {
        // the identity at inference
    } else if (auto* pool = m.as<layers::MaxPool2x2>()) {
        auto* n = node("MaxPool", path, {m_value});
        setInts(n, "kernel_shape", {2, 2});
        setInts(n, "strides", {2, 2});
        x = pool->forward(x);
    } else if (auto* gap = m.as<torch::nn::AdaptiveAvgPool2d>()) {
        const auto& size = gap->options.output_size();
        if (size->at(0) != 1 || size->at(1) != 1)
            throw StudioError("Pooling " + path + " is not a global average, which ONNX export does not write.");
        node("GlobalAveragePool", path, {m_value});
        x = gap->forward(x);
    } else if (auto* flat = m.as<torch::nn::Flatten>()) {
        if (flat->options.start_dim() != 1 || flat->options.end_dim() != -1)
            throw StudioError("Flatten " + path + " does not flatten all but the batch dimension.");
        setInt(node("Flatten", path, {m_value}), "axis", 1);
        x = x.flatten(1);
    } else if (auto* fc = m.as<torch::nn::Linear>()) {
        if (x.dim() > 2) { // the models flatten before their first dense layer
            setInt(node("Flatten", path + ".flatten", {m_value}), "axis", 1);
            x = x.flatten(1);
        }
        auto* n =
            fc->bias.defined()
                ? node("Gemm", path, {m_value, weight(path + ".weight", fc->weight), weight(path + ".bias", fc->bias)})
                : node("Gemm", path, {m_value, weight(path + ".weight", fc->weight)});
        setInt(n, "transB", 1);
        x = fc->forward(x);
    } else if (m.as<ResidualBlock>()) {
        residual(path, m);
    } else {
        throw StudioError("Layer " + path + " (" + m.name() + ") has no ONNX form in MNIST Studio's exporter.");
    }
}

/// All the digits a float32 computation can use.
std::string number(double v)
{
    return QByteArray::number(v, 'g', 9).toStdString();
}

void writeFile(const QString& path, const std::string& bytes)
{
    const auto fail = [&](const QString& reason) {
        throw StudioError("Cannot write " + path.toStdString() + ": " + reason.toStdString() + ".");
    };
    if (path.trimmed().isEmpty())
        throw StudioError("The output needs a file name, such as model.onnx.");
    const QFileInfo info(path);
    if (info.isDir())
        fail("it is a folder; give a file name such as " + QDir(path).filePath("model.onnx"));
    if (!info.absoluteDir().exists())
        fail("the folder " + info.absolutePath() + " does not exist");
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || out.write(bytes.data(), qint64(bytes.size())) != qint64(bytes.size()) ||
        !out.commit())
        fail(out.errorString());
}

} // namespace

std::string OnnxExportSummary::describe() const
{
    return QString("%1, ONNX opset %2, %3 nodes, %L4 parameters, %L5 kB")
        .arg(QString::fromStdString(architecture))
        .arg(opset)
        .arg(nodes)
        .arg(parameters)
        .arg(double(bytes) / 1000, 0, 'f', 1)
        .toStdString();
}

OnnxExportSummary exportOnnx(const LoadedModel& loaded, const QString& path,
                             const std::vector<std::pair<std::string, std::string>>& extra)
{
    torch::NoGradGuard noGrad;
    const auto& meta = loaded.meta;
    const auto& data = meta.data;
    const auto architecture = meta.config.model;
    auto& model = *loaded.model;
    model.eval();

    onnx::ModelProto proto;
    proto.set_ir_version(onnx::IR_VERSION);
    proto.set_producer_name("MNIST Studio");
    proto.set_producer_version(studioVersion());
    proto.set_model_version(1);
    proto.set_doc_string(architecture + " trained on " + data.name + ". Input \"pixels\": N×1×" +
                         std::to_string(data.rows) + "×" + std::to_string(data.cols) +
                         " float ink intensities in [0, 1], light on dark (the graph normalises them). Output "
                         "\"logits\": N×" +
                         std::to_string(data.numClasses) + "; softmax gives probabilities.");
    auto* opset = proto.add_opset_import();
    opset->set_domain("");
    opset->set_version(kOnnxOpset);
    auto& graph = *proto.mutable_graph();
    graph.set_name(architecture);
    declare(graph.add_input(), "pixels", {1, data.rows, data.cols});
    declare(graph.add_output(), "logits", {data.numClasses});

    // A fixed, non-trivial probe batch (the global random generator is left alone).
    const auto pixels = torch::arange(2 * data.rows * data.cols, torch::kFloat)
                            .mul(0.37)
                            .sin()
                            .abs()
                            .reshape({2, 1, data.rows, data.cols});
    GraphWriter writer(graph, pixels);
    writer.normalise(data.mean, data.std);
    for (const auto& child : model.named_children())
        writer.module(child.key(), *child.value());
    writer.finish();
    const auto reference = model.forward(standardise(pixels, data.mean, data.std));
    if (!writer.x.sizes().equals(reference.sizes()) || !torch::allclose(writer.x, reference, 1e-4, 1e-4))
        throw StudioError("The " + architecture +
                          " model's forward pass is not the chain of its layers, so it "
                          "cannot be exported to ONNX as it is.");

    QJsonArray classNames;
    for (int c = 0; c < data.numClasses; ++c)
        classNames.append(QString::fromStdString(data.className(c)));
    std::vector<std::pair<std::string, std::string>> props = {
        {"architecture", architecture},
        {"input", "pixels: N×1×" + std::to_string(data.rows) + "×" + std::to_string(data.cols) +
                      " float in [0, 1], light on dark"},
        {"normalisation_mean", number(data.mean)},
        {"normalisation_std", number(data.std)},
        {"normalisation", "inside the graph: (pixels - mean) / std"},
        {"class_names", QJsonDocument(classNames).toJson(QJsonDocument::Compact).toStdString()},
        {"dataset", data.name},
        {"data_fingerprint", data.fingerprint},
        {"config", QJsonDocument(configToJson(meta.config)).toJson(QJsonDocument::Compact).toStdString()},
        {"val_accuracy", number(meta.valAccuracy)},
        {"epochs_trained", std::to_string(meta.position.epoch)},
        {"mnist_studio_version", studioVersion()},
        {"mnist_studio_commit", studioCommit()},
    };
    props.insert(props.end(), extra.begin(), extra.end());
    for (const auto& [key, value] : props) {
        auto* p = proto.add_metadata_props();
        p->set_key(key);
        p->set_value(value);
    }

    try {
        onnx::checker::check_model(proto);
        auto inferred = proto;
        onnx::shape_inference::InferShapes(inferred, onnx::OpSchemaRegistry::Instance(),
                                           onnx::ShapeInferenceOptions(/*check_type=*/true, /*strict=*/1));
    } catch (const std::exception& e) {
        throw StudioError("The ONNX graph written for " + architecture +
                          " does not pass the ONNX checker: " + std::string(e.what()).substr(0, 300));
    }
    std::string bytes;
    if (!proto.SerializeToString(&bytes))
        throw StudioError("The ONNX graph for " + architecture + " could not be serialised.");
    writeFile(path, bytes);
    return {architecture, kOnnxOpset, graph.node_size(), writer.parameters, std::int64_t(bytes.size())};
}

} // namespace studio
