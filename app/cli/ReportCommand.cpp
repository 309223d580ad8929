// report: a run's full evaluation as files and one self-contained report.html with the studio's
// own charts (rendered offscreen).
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "ReportJob.h"

#include "runs/RunData.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QDir>

namespace studio::cli {
int reportCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addRunDataOption(parser);
    addRunsOption(parser);
    addEvaluationOptions(parser);
    parser.addOption({"run", "The run to report on (see `runs list`).", "ID"});
    parser.addOption({"which", "best (default) or latest checkpoint.", "KIND", "best"});
    parser.addOption({"out", "Folder for the report (default: the run's folder/report).", "DIR"});
    parser.addOption({"limit-test", "Use only the first N test images (0: all).", "N", "0"});
    parser.addOption({"threads", "Torch threads (default: all cores).", "N", "0"});
    parseOrExit(parser, args,
                "Evaluate a run on the test split and write metrics.json, per_class.csv, confusion.csv, "
                "predictions.csv, errors.csv, history.csv, charts/ (PNG and SVG) and a self-contained report.html.");
    return guarded([&] {
        if (!parser.isSet("run"))
            throw StudioError("report needs --run ID.");
        const auto options = evaluationOptions(parser);
        configureTorchThread(int(wholeNumber(parser, "threads", 0, 256)));
        const auto runId = parseRunId(parser.value("run"));
        RunStore store(runsFolder(parser));
        const auto record = store.run(runId);
        if (!record)
            throw StudioError("No run " + std::to_string(runId) + " in " + store.location().toStdString() + ".");
        const auto which = parser.value("which");
        const auto dataset = runDataset(store, runId, dataSearch(parser));
        auto input = ui::evaluateForReport(store.checkpoint(runId, which), *dataset,
                                           wholeNumber(parser, "limit-test", 0, 1000000000), options);
        const QString out = parser.isSet("out") ? parser.value("out") : QDir(store.runDir(runId)).filePath("report");
        const auto files = ui::writeRunReport(store, runId, input, out);
        const auto& evaluation = input.evaluation;
        std::printf("run %lld, %s: test accuracy %.2f%%, loss %.4f, %lld errors, macro F1 %.4f, ECE %.4f\n",
                    static_cast<long long>(runId), qPrintable(which), evaluation.accuracy * 100, evaluation.loss,
                    static_cast<long long>(evaluation.errors.size()), evaluation.report.macro.f1,
                    evaluation.calibration.ece);
        std::printf("wrote %s/report.html, %lld charts and the CSV/JSON files\n", qPrintable(out),
                    static_cast<long long>(files.size() - 1));
        return 0;
    });
}

} // namespace studio::cli
