#include "models/ModelRegistry.h"

#include "models/DeeperCnn.h"
#include "models/KaggleCnn.h"
#include "models/Mlp.h"
#include "models/ResNet.h"
#include "models/SimpleCnn.h"
#include "models/TinyNet.h"
#include "util/StudioError.h"

#include <torch/csrc/autograd/grad_mode.h>

namespace studio {

std::int64_t countParameters(const torch::nn::Module& module)
{
    std::int64_t n = 0;
    for (const auto& p : module.parameters())
        n += p.numel();
    return n;
}

std::int64_t ModelInfo::parameterCount() const
{
    return countParameters(*build(ModelOptions{}));
}

namespace {

/// The model's own options with the config's knobs applied (dropout only when set).
template <class Options> Options withKnobs(Options options, const ModelOptions& o)
{
    if (o.dropout >= 0)
        options.dropout(o.dropout);
    options.num_classes(o.numClasses);
    return options;
}

template <class Options> Options withActivation(Options options, const ModelOptions& o)
{
    return withKnobs(options.activation(o.activation), o);
}

} // namespace

const std::vector<ModelInfo>& modelRegistry()
{
    static const std::vector<ModelInfo> registry = {
        {"mlp", "MLP 784-512-256-10", "Fully connected baseline with dropout; ReLU or Sigmoid hidden units.", "002",
         true, [](const ModelOptions& o) -> Classifier { return Mlp(withActivation(MlpOptions(), o)).ptr(); }},
        {"simple-cnn", "Simple CNN", "Two conv+pool layers, FC 128 with dropout 0.5: the classic MNIST CNN.", "004",
         true,
         [](const ModelOptions& o) -> Classifier { return SimpleCnn(withActivation(SimpleCnnOptions(), o)).ptr(); }},
        {"tf-cnn", "Keras-style CNN", "Three valid convolutions with pooling, FC 64: seed 001's light baseline.", "001",
         true, [](const ModelOptions& o) -> Classifier { return TfCnn(withActivation(TfCnnOptions(), o)).ptr(); }},
        {"fast-cnn", "Fast CNN", "conv24 5×5, conv32, FC 256, no dropout: 99 % in one epoch (train_mnist_fast's net).",
         "-", true,
         [](const ModelOptions& o) -> Classifier { return SimpleCnn(withActivation(fastCnnOptions(), o)).ptr(); }},
        {"deeper-cnn", "Deeper CNN", "Three double-conv blocks with BatchNorm and dropout, FC 192 with BatchNorm.",
         "001", true,
         [](const ModelOptions& o) -> Classifier { return DeeperCnn(withActivation(DeeperCnnOptions(), o)).ptr(); }},
        {"kaggle-cnn", "Kaggle CNN (Deotte)",
         "32-32-32(5×5 s2)-64-64-64(5×5 s2)-128(4×4) with BatchNorm and dropout 0.4: Chris Deotte's Kaggle MNIST CNN.",
         "-", true,
         [](const ModelOptions& o) -> Classifier { return KaggleCnn(withActivation(KaggleCnnOptions(), o)).ptr(); }},
        {"resnet", "Residual CNN", "Seed 000's MNISTResNet: three residual stages, global average pooling.", "000",
         false, [](const ModelOptions& o) -> Classifier { return ResNet(withKnobs(ResNetOptions(), o)).ptr(); }},
        {"plain-cnn", "Plain CNN (no skips)", "The residual CNN's widths and depth without skip connections.", "000",
         false,
         [](const ModelOptions& o) -> Classifier {
             return ResNet(withKnobs(ResNetOptions().residual(false), o)).ptr();
         }},
        {"tiny-v1", "Tiny CNN v1", "Under 8k parameters: bias-free convs, BatchNorm, 1×1 conv head.", "003", false,
         [](const ModelOptions& o) -> Classifier { return TinyNet(withKnobs(TinyNetOptions(1), o)).ptr(); }},
        {"tiny-v2", "Tiny CNN v2", "Tiny CNN v1 with a linear head.", "003", false,
         [](const ModelOptions& o) -> Classifier { return TinyNet(withKnobs(TinyNetOptions(2), o)).ptr(); }},
        {"tiny-v3", "Tiny CNN v3", "One more conv block after the pool: 99.4 % in 8,650 parameters.", "003", false,
         [](const ModelOptions& o) -> Classifier { return TinyNet(withKnobs(TinyNetOptions(3), o)).ptr(); }},
    };
    return registry;
}

const ModelInfo* findModel(const std::string& id)
{
    for (const auto& m : modelRegistry())
        if (m.id == id)
            return &m;
    return nullptr;
}

std::string modelIdList()
{
    std::string s;
    for (const auto& m : modelRegistry())
        s += (s.empty() ? "" : ", ") + m.id;
    return s;
}

void useChannelsLast(torch::nn::Module& module)
{
    torch::NoGradGuard noGrad;
    for (auto& p : module.parameters())
        if (p.dim() == 4)
            p.set_data(p.contiguous(at::MemoryFormat::ChannelsLast));
}

Classifier buildModel(const std::string& id, const ModelOptions& options)
{
    const auto* info = findModel(id);
    if (!info)
        throw StudioError("Unknown architecture \"" + id + "\"; known: " + modelIdList() + ".");
    auto model = info->build(options);
    useChannelsLast(*model);
    return model;
}

} // namespace studio
