// ablate: a study of configurations that differ in one respect, trained with the same seed and
// budget, evaluated on the test split, tabulated and charted.
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/ProgressPrinter.h"
#include "cli/Training.h"

#include "AblationChart.h"
#include "WidgetExport.h"

#include "runs/StudyRunner.h"
#include "training/Presets.h"
#include "util/StudioError.h"

#include <QApplication>
#include <QDateTime>
#include <QDir>

namespace studio::cli {
namespace {

/// Prints each variant's progress and outcome as `train` does.
class PrintingListener : public StudyListener {
public:
    PrintingListener(const AblationStudy& study, const RunStore& store) : m_study(study), m_store(store) {}

    std::vector<TrainingObserver*> launching(std::size_t index, RunLauncher& launcher) override
    {
        std::printf("\n== %s ==\n", m_study.variants[index].name.c_str());
        if (launcher.resumes())
            std::printf("run %lld: continuing at epoch %d\n", static_cast<long long>(launcher.runId()),
                        launcher.trainer().position().epoch + 1);
        m_printer = std::make_unique<ProgressPrinter>(stdoutIsTerminal(), launcher.trainer());
        return {m_printer.get()};
    }
    void finished(std::size_t index, std::int64_t runId, const LaunchResult* result) override
    {
        if (result) {
            printOutcome(runId, m_store.runDir(runId), *result);
            return;
        }
        std::printf("\n== %s ==\nrun %lld: finished by an earlier attempt of this study (test accuracy %.2f%%)\n",
                    m_study.variants[index].name.c_str(), static_cast<long long>(runId),
                    m_store.run(runId)->testAccuracy * 100);
    }

private:
    const AblationStudy& m_study;
    const RunStore& m_store;
    std::unique_ptr<ProgressPrinter> m_printer;
};

} // namespace

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
    parser.addOption({"name",
                      "The study's name (default: the study and the time). Running a study again under its name "
                      "skips the variants it finished and continues a stopped one.",
                      "NAME"});
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
            parser.isSet("name")
                ? parser.value("name")
                : QString::fromStdString(study.id == "custom" ? parser.value("field").toStdString() : study.id) +
                      QDateTime::currentDateTime().toString(" yyyy-MM-dd hh:mm:ss");
        const auto dataset = std::make_shared<const Dataset>(loadDatasetFor(parser));
        RunStore store(runsFolder(parser));
        std::printf("study \"%s\": %s; %zu variants, seed %llu, %d epochs each\n", qPrintable(studyName),
                    study.description.c_str(), study.variants.size(), static_cast<unsigned long long>(base.seed),
                    base.numEpochs);

        StudyRunner runner(store, study, studyName, dataset);
        StudyOutcome outcome;
        {
            PrintingListener listener(study, store);
            const auto interrupt = stopOnInterrupt([&] { runner.stop(); });
            outcome = runner.run(listener);
        }
        if (!outcome.completed)
            throw StudioError(outcome.message);
        const auto& rows = outcome.rows;
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
