#include "training/Checkpoint.h"

#include "models/ModelRegistry.h"
#include "util/LibraryVersions.h"
#include "util/KillPoint.h"
#include "util/StudioError.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QSaveFile>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace studio {
namespace {

constexpr const char* kFormat = "mnist-studio-checkpoint";
constexpr int kVersion = 2; // 2: "data" (dataset record) and "versions"

/// The first line of a library error (c10 errors append a stack trace), at most 160 characters.
std::string firstLine(const char* what)
{
    std::string s(what);
    return s.substr(0, std::min(s.find('\n'), std::size_t(160)));
}

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
                  {"version", kVersion},
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
    if (o.value("version").toInt() > kVersion)
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
    return m;
}

torch::serialize::InputArchive openArchive(const QString& path)
{
    if (!QFileInfo::exists(path))
        throw StudioError("Checkpoint " + path.toStdString() + " does not exist.");
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path.toStdString());
    } catch (const std::exception& e) {
        throw StudioError("Checkpoint " + path.toStdString() + " is corrupt or not a checkpoint (" +
                          firstLine(e.what()) + ").");
    }
    return archive;
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

/// Writes the archive to `file` through QSaveFile (all or nothing); errors name `shownAs`.
void writeArchive(torch::serialize::OutputArchive& root, const QString& file, const QString& shownAs)
{
    QSaveFile out(file);
    const auto fail = [&](const QString& reason) {
        const bool kept = QFileInfo::exists(shownAs);
        throw StudioError("Cannot write checkpoint " + shownAs.toStdString() + ": " + reason.toStdString() +
                          (kept ? " (the previous one is kept)." : "."));
    };
    if (!out.open(QIODevice::WriteOnly))
        fail(out.errorString());
    bool writeFailed = false, first = true;
    root.save_to([&](const void* data, std::size_t size) -> std::size_t {
        if (out.write(static_cast<const char*>(data), static_cast<qint64>(size)) != static_cast<qint64>(size))
            writeFailed = true;
        if (std::exchange(first, false))
            killPoint("checkpoint-write");
        return size;
    });
    if (writeFailed || !out.commit()) {
        const QString reason = out.errorString(); // before cancelWriting() replaces it
        out.cancelWriting();
        fail(reason);
    }
}

torch::serialize::OutputArchive checkpointArchive(torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                                                  const CheckpointMeta& meta)
{
    torch::serialize::OutputArchive root;
    torch::serialize::OutputArchive modelArchive;
    model.save(modelArchive);
    root.write("model", modelArchive);
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
                    const CheckpointMeta& meta)
{
    auto root = checkpointArchive(model, optimizer, meta);
    writeArchive(root, path, path);
}

QString stagedPath(const QString& path)
{
    return path + ".pending";
}

void stageCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer,
                     const CheckpointMeta& meta)
{
    auto root = checkpointArchive(model, optimizer, meta);
    writeArchive(root, stagedPath(path), path);
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
    auto archive = openArchive(path);
    return readMeta(path, archive);
}

CheckpointMeta loadCheckpoint(const QString& path, torch::nn::Module& model, torch::optim::Optimizer* optimizer)
{
    auto archive = openArchive(path);
    auto meta = readMeta(path, archive);
    try {
        torch::serialize::InputArchive modelArchive;
        archive.read("model", modelArchive);
        model.load(modelArchive);
        useChannelsLast(model); // loading adopts the stored layout
    } catch (const std::exception& e) {
        throw StudioError("Checkpoint " + path.toStdString() + " holds a " + meta.config.model +
                          " model that does not fit this architecture (" + firstLine(e.what()) + ").");
    }
    if (optimizer) {
        try {
            torch::serialize::InputArchive optimizerArchive;
            archive.read("optimizer", optimizerArchive);
            optimizer->load(optimizerArchive);
        } catch (const std::exception& e) {
            throw StudioError("Checkpoint " + path.toStdString() + " has no usable optimizer state (" +
                              firstLine(e.what()) + ").");
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
