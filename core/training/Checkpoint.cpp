#include "training/Checkpoint.h"

#include "models/ModelRegistry.h"
#include "training/CheckpointFile.h"
#include "util/PlainMessage.h"
#include "util/LibraryVersions.h"
#include "util/StudioError.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>

#include <cerrno>
#include <cmath>
#include <set>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace studio {
namespace {

constexpr const char* kFormat = "mnist-studio-checkpoint";
constexpr int kCheckpointVersion = 3; // 2: "data" (dataset record) and "versions"; 3: checksummed (CheckpointFile)

QJsonValue finiteOrNull(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

std::string metaToJson(const CheckpointMeta& m)
{
    const auto& p = m.position;
    QJsonObject pos{{"epoch", p.epoch},
                    {"batch", qint64(p.batch)},
                    {"step", qint64(p.step)},
                    {"partial_loss_sum", p.partialLossSum},
                    {"partial_correct", qint64(p.partialCorrect)},
                    {"partial_seen", qint64(p.partialSeen)},
                    {"elapsed_seconds", p.elapsedSeconds},
                    {"best", finiteOrNull(p.early.best)},
                    {"best_epoch", p.early.bestEpoch},
                    {"epochs_without_improvement", p.early.epochsWithoutImprovement}};
    QJsonObject o{{"format", kFormat},
                  {"version", kCheckpointVersion},
                  {"config", configToJson(m.config)},
                  {"position", pos},
                  {"data", toJson(m.data)},
                  {"versions", runVersions()}, // of the process writing it
                  // Format 1's fields, for readers of that format.
                  {"mean", m.data.mean},
                  {"std", m.data.std},
                  {"dataset", QString::fromStdString(m.data.name)},
                  {"val_accuracy", finiteOrNull(m.valAccuracy)},
                  {"val_loss", finiteOrNull(m.valLoss)}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

CheckpointMeta metaFromJson(const QString& path, const std::string& text)
{
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(text));
    const auto o = doc.object();
    if (o.value("format").toString() != kFormat)
        throw StudioError("Checkpoint " + path.toStdString() + " is not a MNIST Studio checkpoint.");
    if (o.value("version").toInt() > kCheckpointVersion)
        throw StudioError("Checkpoint " + path.toStdString() + " was written by a newer MNIST Studio (format " +
                          std::to_string(o.value("version").toInt()) + ").");
    CheckpointMeta m;
    m.config = configFromJson(o.value("config").toObject());
    const auto pos = o.value("position").toObject();
    auto& p = m.position;
    p.epoch = pos.value("epoch").toInt();
    p.batch = pos.value("batch").toInteger();
    p.step = pos.value("step").toInteger();
    p.partialLossSum = pos.value("partial_loss_sum").toDouble();
    p.partialCorrect = pos.value("partial_correct").toInteger();
    p.partialSeen = pos.value("partial_seen").toInteger();
    p.elapsedSeconds = pos.value("elapsed_seconds").toDouble();
    p.early.best = pos.value("best").toDouble(std::nan(""));
    p.early.bestEpoch = pos.value("best_epoch").toInt();
    p.early.epochsWithoutImprovement = pos.value("epochs_without_improvement").toInt();
    if (o.value("data").isObject()) {
        m.data = datasetInfoFromJson(o.value("data").toObject());
    } else { // format 1: name and statistics only
        m.data.name = o.value("dataset").toString().toStdString();
        m.data.classNames = classNamesFor(m.data.name);
        m.data.mean = o.value("mean").toDouble(0.1307);
        m.data.std = o.value("std").toDouble(0.3081);
    }
    m.versions = o.value("versions").toObject();
    m.valAccuracy = o.value("val_accuracy").toDouble(std::nan(""));
    m.valLoss = o.value("val_loss").toDouble(std::nan(""));
    if (!findModel(m.config.model))
        throw StudioError("Checkpoint " + path.toStdString() + " names an architecture this version does not know (\"" +
                          m.config.model + "\").");
    if (!std::isfinite(m.data.mean) || !std::isfinite(m.data.std) || m.data.std <= 0.0)
        throw StudioError("Checkpoint " + path.toStdString() + " records an unusable input normalisation (mean " +
                          QString::number(m.data.mean).toStdString() + ", std " +
                          QString::number(m.data.std).toStdString() + "): no input can be standardised with it.");
    return m;
}

std::string shapeText(const torch::Tensor& t)
{
    std::string s = std::string(c10::toString(t.scalar_type())) + " [";
    for (std::size_t i = 0; i < t.sizes().size(); ++i)
        s += (i ? ", " : "") + std::to_string(t.sizes()[i]);
    return s + "]";
}

/// Every tensor `module` has is in the archive with its shape and dtype, finite, and nothing else
/// is: checked before any is copied (Module::load would take a tensor of another shape).
void checkTensors(const QString& path, const CheckpointMeta& meta, torch::nn::Module& module,
                  torch::serialize::InputArchive& archive, const std::string& prefix = {})
{
    const auto foreign = [&](const std::string& what) {
        throw StudioError("Checkpoint " + path.toStdString() + " says it holds a " + meta.config.model +
                          " model, but " + what + ": its weights belong to another architecture.");
    };
    std::set<std::string> known{"training"}; // every archive module has this flag
    const auto check = [&](const std::string& name, const torch::Tensor& want, bool buffer) {
        known.insert(name);
        torch::Tensor got;
        if (!archive.try_read(name, got, buffer))
            foreign("it has no tensor " + prefix + name);
        if (got.sizes() != want.sizes() || got.scalar_type() != want.scalar_type())
            foreign("its tensor " + prefix + name + " is " + shapeText(got) + ", not " + shapeText(want));
        if (got.is_floating_point() && !torch::isfinite(got).all().item<bool>())
            throw StudioError("Checkpoint " + path.toStdString() + " holds NaN or infinite values in " + prefix + name +
                              ": the model diverged or the file was altered, and it cannot be used.");
    };
    for (const auto& p : module.named_parameters(/*recurse=*/false))
        check(p.key(), p.value(), false);
    for (const auto& b : module.named_buffers(/*recurse=*/false))
        check(b.key(), b.value(), true);
    for (const auto& c : module.named_children()) {
        if (!c.value()->is_serializable())
            continue;
        known.insert(c.key());
        torch::serialize::InputArchive child;
        if (!archive.try_read(c.key(), child))
            foreign("it has no part " + prefix + c.key());
        checkTensors(path, meta, *c.value(), child, prefix + c.key() + ".");
    }
    for (const auto& key : archive.keys())
        if (!known.count(key))
            foreign("it holds " + prefix + key + ", which " + meta.config.model + " does not have");
}

CheckpointMeta readMeta(const QString& path, torch::serialize::InputArchive& archive)
{
    c10::IValue meta;
    try {
        archive.read("meta", meta);
    } catch (const std::exception&) {
        throw StudioError("Checkpoint " + path.toStdString() + " is not a MNIST Studio checkpoint (no metadata).");
    }
    if (!meta.isString())
        throw StudioError("Checkpoint " + path.toStdString() + " has unreadable metadata.");
    return metaFromJson(path, meta.toStringRef());
}

} // namespace

namespace {

torch::serialize::OutputArchive checkpointArchive(torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                                                  const CheckpointMeta& meta, torch::nn::Module* trainingWeights)
{
    torch::serialize::OutputArchive root;
    torch::serialize::OutputArchive modelArchive;
    model.save(modelArchive);
    root.write("model", modelArchive);
    if (trainingWeights) {
        torch::serialize::OutputArchive trainingArchive;
        trainingWeights->save(trainingArchive);
        root.write("training_weights", trainingArchive);
    }
    if (optimizer) {
        torch::serialize::OutputArchive optimizerArchive;
        optimizer->save(optimizerArchive);
        root.write("optimizer", optimizerArchive);
    }
    root.write("meta", c10::IValue(metaToJson(meta)));
    return root;
}

} // namespace

void saveCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                    const CheckpointMeta& meta, torch::nn::Module* trainingWeights)
{
    auto root = checkpointArchive(model, optimizer, meta, trainingWeights);
    writeCheckpointFile(root, metaToJson(meta), path, path);
}

QString stagedPath(const QString& path)
{
    return path + ".pending";
}

void stageCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                     const CheckpointMeta& meta, torch::nn::Module* trainingWeights)
{
    auto root = checkpointArchive(model, optimizer, meta, trainingWeights);
    writeCheckpointFile(root, metaToJson(meta), stagedPath(path), path);
}

void commitStaged(const QString& path)
{
    const QString staged = stagedPath(path);
    if (!QFileInfo::exists(staged))
        return;
    if (std::rename(QFile::encodeName(staged).constData(), QFile::encodeName(path).constData()) != 0)
        throw StudioError("Cannot move checkpoint " + staged.toStdString() + " into place: " + std::strerror(errno) +
                          ".");
    // The rename is in the folder's entries: make it durable before the run goes on.
    const int dir = ::open(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

CheckpointMeta readCheckpointMeta(const QString& path)
{
    auto archive = openCheckpointFile(path);
    return readMeta(path, archive);
}

CheckpointMeta loadCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                              torch::nn::Module* trainingWeights)
{
    auto archive = openCheckpointFile(path);
    auto meta = readMeta(path, archive);
    const auto loadWeights = [&](const char* entry, torch::nn::Module& into) {
        torch::serialize::InputArchive weights;
        if (!archive.try_read(entry, weights))
            return false;
        checkTensors(path, meta, into, weights);
        try {
            into.load(weights);
            useChannelsLast(into); // loading adopts the stored layout
        } catch (const std::exception& e) {
            throw StudioError("Checkpoint " + path.toStdString() + " holds a " + meta.config.model +
                              " model that does not fit this architecture (" + plainMessage(e) + ").");
        }
        return true;
    };
    if (!loadWeights("model", model))
        throw StudioError("Checkpoint " + path.toStdString() + " holds no model.");
    if (trainingWeights && !loadWeights("training_weights", *trainingWeights))
        loadWeights("model", *trainingWeights);
    if (optimizer) {
        try {
            torch::serialize::InputArchive optimizerArchive;
            archive.read("optimizer", optimizerArchive);
            optimizer->load(optimizerArchive);
        } catch (const std::exception& e) {
            throw StudioError("Checkpoint " + path.toStdString() + " has no usable optimizer state (" +
                              plainMessage(e) + ").");
        }
    }
    return meta;
}

LoadedModel loadModelFromCheckpoint(const QString& path)
{
    const auto meta = readCheckpointMeta(path);
    ModelOptions options;
    options.dropout = meta.config.dropoutRate;
    options.activation = meta.config.activation;
    auto model = buildModel(meta.config.model, options);
    loadCheckpoint(path, *model, nullptr);
    model->eval();
    return {model, meta};
}

} // namespace studio
