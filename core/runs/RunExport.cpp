#include "runs/RunExport.h"

#include "util/StudioError.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace studio {
namespace {

void writeAtomically(const QString& path, const QByteArray& bytes)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size() || !f.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

} // namespace

void exportHistoryCsv(const RunStore& store, std::int64_t id, const QString& path)
{
    const auto epochs = store.epochs(id);
    std::size_t classes = 0;
    for (const auto& e : epochs)
        classes = std::max(classes, e.valClassAccuracy.size());
    QByteArray out = "epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds,ema_val_loss,ema_val_acc";
    for (std::size_t k = 0; k < classes; ++k)
        out += ",val_acc_class_" + QByteArray::number(qulonglong(k));
    out += '\n';
    auto num = [](double v) { return std::isfinite(v) ? QByteArray::number(v, 'g', 8) : QByteArray(); };
    for (const auto& e : epochs) {
        out += QByteArray::number(e.epoch) + ',' + num(e.trainLoss) + ',' + num(e.trainAccuracy) + ',' +
               num(e.valLoss) + ',' + num(e.valAccuracy) + ',' + num(e.lr) + ',' + num(e.seconds) + ',' +
               num(e.emaValLoss) + ',' + num(e.emaValAccuracy);
        for (std::size_t k = 0; k < classes; ++k)
            out += ',' + (k < e.valClassAccuracy.size() ? num(e.valClassAccuracy[k]) : QByteArray());
        out += '\n';
    }
    writeAtomically(path, out);
}

void exportJson(const RunStore& store, std::int64_t id, const QString& path)
{
    const auto r = store.run(id);
    if (!r)
        throw StudioError("No run " + std::to_string(id) + " in " + store.location().toStdString() + ".");
    auto num = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    QJsonArray epochArray, batchArray;
    for (const auto& e : store.epochs(id)) {
        QJsonArray classes;
        for (double v : e.valClassAccuracy)
            classes.append(num(v));
        epochArray.append(QJsonObject{{"epoch", e.epoch},
                                      {"train_loss", num(e.trainLoss)},
                                      {"train_acc", num(e.trainAccuracy)},
                                      {"val_loss", num(e.valLoss)},
                                      {"val_acc", num(e.valAccuracy)},
                                      {"lr", e.lr},
                                      {"seconds", e.seconds},
                                      {"ema_val_loss", num(e.emaValLoss)},
                                      {"ema_val_acc", num(e.emaValAccuracy)},
                                      {"val_class_acc", classes}});
    }
    for (const auto& b : store.batches(id))
        batchArray.append(QJsonObject{{"step", qint64(b.step)},
                                      {"epoch", b.epoch},
                                      {"loss", num(b.loss)},
                                      {"acc", b.accuracy},
                                      {"lr", b.lr},
                                      {"images_per_s", b.imagesPerSecond}});
    QJsonObject o{{"id", qint64(r->id)},
                  {"name", r->name},
                  {"tags", r->tags},
                  {"model", r->model},
                  {"status", r->status},
                  {"message", r->message},
                  {"dataset", QString::fromStdString(r->data.name)},
                  {"data", toJson(r->data)},
                  {"versions", r->versions},
                  {"started", r->started.toString(Qt::ISODate)},
                  {"ended", r->ended.toString(Qt::ISODate)},
                  {"epochs_done", r->epochsDone},
                  {"best_epoch", r->bestEpoch},
                  {"best_val_acc", r->bestValAccuracy},
                  {"best_val_loss", r->bestValLoss},
                  {"test_acc", r->testAccuracy},
                  {"test_loss", r->testLoss},
                  {"params", qint64(r->parameters)},
                  {"seconds", r->seconds},
                  {"config", configToJson(r->config)},
                  {"epochs", epochArray},
                  {"batches", batchArray}};
    writeAtomically(path, QJsonDocument(o).toJson(QJsonDocument::Indented));
}

std::vector<std::pair<std::string, std::string>> modelMetadata(const RunRecord& run, const QString& which)
{
    std::vector<std::pair<std::string, std::string>> out = {
        {"run", std::to_string(run.id)}, {"run_name", run.name.toStdString()}, {"checkpoint", which.toStdString()}};
    if (run.testAccuracy >= 0)
        out.emplace_back("test_accuracy", QByteArray::number(run.testAccuracy, 'g', 6).toStdString());
    return out;
}

} // namespace studio
