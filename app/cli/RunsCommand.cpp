// runs list | show ID | export ID: the run store from the terminal.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "runs/RunExport.h"
#include "util/StudioError.h"

#include <QJsonDocument>

#include <cmath>

namespace studio::cli {
namespace {

void list(const RunStore& store)
{
    const auto runs = store.runs();
    if (runs.empty()) {
        std::printf("no runs in %s\n", qPrintable(store.location()));
        return;
    }
    std::printf("%-4s %-18s %-11s %-13s %-13s %6s %9s %9s %8s  %s\n", "id", "name", "model", "dataset", "status",
                "epochs", "best val", "test", "time", "started");
    for (const auto& r : runs)
        std::printf("%-4lld %-18s %-11s %-13s %-13s %3d/%-3d %9s %9s %7.0fs  %s\n", static_cast<long long>(r.id),
                    qPrintable(r.name.left(18)), qPrintable(r.model), r.data.name.substr(0, 13).c_str(),
                    qPrintable(r.status), r.epochsDone, r.config.numEpochs,
                    percent(r.bestEpoch ? r.bestValAccuracy : -1).c_str(), percent(r.testAccuracy).c_str(), r.seconds,
                    qPrintable(r.started.toString("yyyy-MM-dd hh:mm")));
}

void show(const RunStore& store, std::int64_t id)
{
    const auto r = store.run(id);
    if (!r)
        throw StudioError("No run " + std::to_string(id) + " in " + store.location().toStdString() + ".");
    const QString versions = r->versions.isEmpty() ? QStringLiteral("not recorded")
                                                   : QString("MNIST Studio %1, LibTorch %2")
                                                         .arg(r->versions.value("mnist_studio").toString(),
                                                              r->versions.value("libtorch").toString());
    std::printf("run %lld%s%s\n  model       %s (%lld parameters)\n  dataset     %s\n  status      %s%s%s\n"
                "  started     %s\n  ended       %s\n  versions    %s\n  epochs      %d of %d, best %d (val acc %s, "
                "val loss %.4f)\n"
                "  test        %s\n  time        %.1f s\n  folder      %s\n  config      %s\n",
                static_cast<long long>(r->id), r->name.isEmpty() ? "" : " ", qPrintable(r->name), qPrintable(r->model),
                static_cast<long long>(r->parameters), r->data.describe().c_str(), qPrintable(r->status),
                r->message.isEmpty() ? "" : ": ", qPrintable(r->message), qPrintable(r->started.toString(Qt::ISODate)),
                qPrintable(r->ended.toString(Qt::ISODate)), qPrintable(versions), r->epochsDone, r->config.numEpochs,
                r->bestEpoch, percent(r->bestValAccuracy).c_str(), r->bestValLoss, percent(r->testAccuracy).c_str(),
                r->seconds, qPrintable(store.runDir(id)),
                QJsonDocument(configToJson(r->config)).toJson(QJsonDocument::Compact).constData());
    const auto epochs = store.epochs(id);
    if (!epochs.empty())
        std::printf("\n  %5s %10s %9s %10s %9s %10s %7s\n", "epoch", "train loss", "train acc", "val loss", "val acc",
                    "lr", "sec");
    for (const auto& e : epochs)
        std::printf("  %5d %10.4f %8.2f%% %10.4f %8.2f%% %10.3e %7.1f\n", e.epoch, e.trainLoss, e.trainAccuracy * 100,
                    e.valLoss, e.valAccuracy * 100, e.lr, e.seconds);
}

} // namespace

int runsCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addRunsOption(parser);
    parser.addPositionalArgument("action", "list, show ID or export ID.");
    parser.addOption({"format", "export: csv (per-epoch history) or json (everything).", "FORMAT", "csv"});
    parser.addOption({"out", "export: output file (default history.csv / run.json in the run's folder).", "FILE"});
    parseOrExit(parser, args, "Inspect the run store.");
    return guarded([&] {
        const auto pos = parser.positionalArguments();
        const QString action = pos.value(0, "list");
        RunStore store(runsFolder(parser));
        if (!store.readOnlyReason().isEmpty())
            std::fprintf(stderr, "note: the run store is read-only (%s): runs can be listed and shown, not changed.\n",
                         qPrintable(store.readOnlyReason()));
        if (action == "list") {
            list(store);
        } else if (action == "show" && pos.size() == 2) {
            show(store, parseRunId(pos[1]));
        } else if (action == "export" && pos.size() == 2) {
            const auto id = parseRunId(pos[1]);
            if (!store.run(id))
                throw StudioError("No run " + std::to_string(id) + " in " + store.location().toStdString() + ".");
            const auto format = parser.value("format");
            if (format != "csv" && format != "json")
                throw StudioError("--format must be csv or json.");
            const QString out = parser.isSet("out")
                                    ? parser.value("out")
                                    : store.runDir(id) + (format == "csv" ? "/history.csv" : "/run.json");
            format == "csv" ? exportHistoryCsv(store, id, out) : exportJson(store, id, out);
            std::printf("wrote %s\n", qPrintable(out));
        } else {
            throw StudioError("runs takes list, show ID or export ID.");
        }
        return 0;
    });
}

} // namespace studio::cli
