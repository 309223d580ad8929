// ablate: a study of configurations that differ in one respect, trained with the same seed and
// budget, evaluated on the test split, tabulated and charted.
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Training.h"

#include "AblationChart.h"
#include "WidgetExport.h"

#include "runs/Ablation.h"
#include "training/Presets.h"
#include "util/StudioError.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>

namespace studio::cli {

int ablateCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addDataOption(parser);
    addRunsOption(parser);
    addConfigOptions(parser);
    QString studies;
    for (const auto& id : builtInStudyIds())
        studies += (studies.isEmpty() ? "" : ", ") + QString::fromStdString(id);
    parser.addOption({"study", "A built-in study: " + studies + ".", "ID"});
    parser.addOption({"field", "A custom study: the config field to vary (with --values).", "KEY"});
    parser.addOption({"values", "Comma-separated values of --field, the first being the base.", "LIST"});
    parser.addOption(
        {"target", "Validation accuracy whose epochs-to-reach is reported (default 0.97).", "ACC", "0.97"});
    parser.addOption({"out", "Folder for ablation.csv and the chart (default: <runs>/studies/<study>).", "DIR"});
    parseOrExit(parser, args,
                "Run an ablation study: every variant with the same seed and budget (the config flags, e.g. "
                "--num-epochs or --limit-train, apply to all), then a table of best validation and test accuracy, "
                "epochs to the target, time and parameters, as CSV and a bar chart.");
    return guarded([&] {
        const bool custom = parser.isSet("field");
        if (custom == parser.isSet("study"))
            throw StudioError("ablate needs either --study ID or --field KEY --values A,B,...");
        bool ok = false;
        const double target = parser.value("target").toDouble(&ok);
        if (!ok || target <= 0 || target > 1)
            throw StudioError("--target must be an accuracy in (0, 1], e.g. 0.97.");
        TrainConfig start;
        if (!custom)
            start = findPreset(builtInStudyPreset(parser.value("study").toStdString()))
                        ? findPreset(builtInStudyPreset(parser.value("study").toStdString()))->config
                        : TrainConfig{};
        const auto base = configFromOptions(parser, start);
        std::vector<std::string> values;
        for (const auto& v : parser.value("values").split(',', Qt::SkipEmptyParts))
            values.push_back(v.trimmed().toStdString());
        auto study = custom ? customStudy(base, parser.value("field").toStdString(), values)
                            : builtInStudy(parser.value("study").toStdString(), base);
        study.targetAccuracy = target;
        const QString studyName =
            QString::fromStdString(study.id == "custom" ? parser.value("field").toStdString() : study.id) +
            QDateTime::currentDateTime().toString(" yyyy-MM-dd hh:mm:ss");
        const auto dataset = std::make_shared<const Dataset>(loadDatasetFor(parser));
        RunStore store(runsFolder(parser));
        std::printf("study \"%s\": %s; %zu variants, seed %llu, %d epochs each\n", qPrintable(studyName),
                    study.description.c_str(), study.variants.size(), static_cast<unsigned long long>(base.seed),
                    base.numEpochs);

        std::vector<std::string> names;
        std::vector<RunRecord> runs;
        std::vector<std::vector<EpochRecord>> histories;
        for (const auto& variant : study.variants) {
            std::printf("\n== %s ==\n", variant.name.c_str());
            RunLauncher launcher(store, {variant.config, dataset, 0, {}, studyName, true});
            const auto runId = launcher.runId();
            const auto result = runTraining(launcher);
            if (result.finished.reason == FinishReason::StoppedByUser)
                throw StudioError("Study stopped by the user during \"" + variant.name + "\" (run " +
                                  std::to_string(runId) + " is resumable; the finished variants are kept).");
            names.push_back(variant.name);
            runs.push_back(*store.run(runId));
            histories.push_back(store.epochs(runId));
        }

        const auto rows = ablationTable(names, runs, histories, target);
        const QString out =
            parser.isSet("out")
                ? parser.value("out")
                : QDir(store.folder()).filePath("studies/" + QString(studyName).replace(' ', '_').replace(':', '-'));
        QDir().mkpath(out);
        writeAblationCsv(QDir(out).filePath("ablation.csv"), rows, target);
        ui::AblationChart chart;
        chart.setRows(QString::fromStdString(study.description), rows);
        chart.setAttribute(Qt::WA_DontShowOnScreen);
        chart.resize(760, 440);
        chart.show();
        QApplication::processEvents();
        for (const char* suffix : {"png", "svg"}) {
            const auto error = ui::exportWidget(&chart, QDir(out).filePath(QString("ablation.") + suffix));
            if (!error.isEmpty())
                throw StudioError(error.toStdString());
        }

        std::printf("\n%-24s %6s %12s %9s %9s %8s %7s %8s %9s\n", "variant", "run", "params", "best val", "test",
                    "to target", "epochs", "time", "vs base");
        for (const auto& r : rows)
            std::printf("%-24s %6lld %12lld %8.2f%% %8s %8s %7d %7.0fs %+8.2f\n", r.variant.c_str(),
                        static_cast<long long>(r.runId), static_cast<long long>(r.parameters), r.bestValAccuracy * 100,
                        r.testAccuracy >= 0 ? (QString::number(r.testAccuracy * 100, 'f', 2) + "%").toUtf8().constData()
                                            : "-",
                        r.epochsToTarget > 0 ? std::to_string(r.epochsToTarget).c_str() : "-", r.epochs, r.seconds,
                        r.testDifference);
        std::printf("wrote %s/ablation.csv, ablation.png, ablation.svg\n", qPrintable(out));
        return 0;
    });
}

} // namespace studio::cli
