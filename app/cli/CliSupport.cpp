#include "cli/CliSupport.h"

#include "data/DataLocator.h"
#include "runs/RunStore.h"
#include "training/Presets.h"
#include "util/PlainMessage.h"
#include "util/StudioError.h"

#include <QDir>

#include <cmath>
#include <QFile>

#include <unistd.h>

namespace studio::cli {

void parseOrExit(QCommandLineParser& parser, const QStringList& args, const QString& description)
{
    parser.setApplicationDescription(description);
    const auto helpOption = parser.addHelpOption();
    if (!parser.parse(args)) {
        std::fprintf(stderr, "error: %s\n(see %s --help)\n", qPrintable(parser.errorText()), qPrintable(args.first()));
        std::exit(2);
    }
    if (parser.isSet(helpOption)) {
        std::fputs(qPrintable(parser.helpText().replace("mnist-studio-cli", args.first())), stdout);
        std::exit(0);
    }
}

void addDataOption(QCommandLineParser& parser)
{
    parser.addOption({"data", "Dataset folder with the four IDX files (raw or .gz).", "DIR"});
}

void addRunsOption(QCommandLineParser& parser)
{
    parser.addOption({"runs",
                      "Run store: a folder, or postgresql://USER@HOST:PORT/DATABASE shared by several machines "
                      "(default $MNIST_STUDIO_RUNS or ~/.local/share/mnist-studio/runs).",
                      "DIR|URL"});
    parser.addOption({"artifacts",
                      "With a PostgreSQL store: the folder of the runs' checkpoints, shared by the machines (default "
                      "$MNIST_STUDIO_ARTIFACTS or ~/.local/share/mnist-studio/artifacts).",
                      "DIR"});
}

void addRunDataOption(QCommandLineParser& parser)
{
    parser.addOption({"data",
                      "Also look for the run's dataset in DIR. A run uses the data it was trained on (found by "
                      "its content fingerprint in its recorded folder and the known data locations) or refuses.",
                      "DIR"});
}

DataSearch dataSearch(const QCommandLineParser& parser)
{
    DataSearch search;
    if (parser.isSet("data"))
        search.folders.push_back({parser.value("data").toStdString(), "from --data"});
    return search;
}

Dataset loadDatasetFor(const QCommandLineParser& parser)
{
    const auto location = locateData(parser.value("data").toStdString());
    if (!location.found())
        throw StudioError(location.missingMessage());
    return loadDataset(location.folder);
}

QString runsFolder(const QCommandLineParser& parser)
{
    // The store reads it from the environment; processes started from here (sweep workers, ranks) inherit it.
    if (parser.isSet("artifacts"))
        qputenv("MNIST_STUDIO_ARTIFACTS", QDir(parser.value("artifacts")).absolutePath().toUtf8());
    return RunStore::defaultFolder(parser.value("runs"));
}

void addConfigOptions(QCommandLineParser& parser)
{
    parser.addOption({"config", "Start from this JSON config (seed 000's config.json loads as is).", "FILE"});
    QString presetIds;
    for (const auto& p : presets())
        presetIds += (presetIds.isEmpty() ? "" : ", ") + QString::fromStdString(p.id);
    parser.addOption({"preset", "Start from a preset recipe: " + presetIds + ".", "ID"});
    for (const auto& f : configFields()) {
        QString help = QString::fromUtf8(f.help);
        if (!f.choices.empty()) {
            QStringList c;
            for (const auto& s : f.choices)
                c << QString::fromStdString(s);
            help += " (" + c.join(", ") + ")";
        }
        parser.addOption({QString::fromLatin1(f.key).replace('_', '-'), help, "VALUE"});
    }
}

TrainConfig configFromOptions(const QCommandLineParser& parser, const TrainConfig& start)
{
    TrainConfig config = start;
    if (parser.isSet("preset")) {
        const auto* p = findPreset(parser.value("preset").toStdString());
        if (!p)
            throw StudioError("Unknown preset \"" + parser.value("preset").toStdString() + "\".");
        config = p->config;
        config.name = p->id; // --name below still wins
    }
    if (parser.isSet("config")) {
        std::vector<std::string> ignored;
        config = loadConfigFile(parser.value("config"), &ignored);
        for (const auto& k : ignored)
            std::fprintf(stderr, "warning: %s: ignoring unknown key \"%s\"\n", qPrintable(parser.value("config")),
                         k.c_str());
    }
    for (const auto& f : configFields()) {
        const auto flag = QString::fromLatin1(f.key).replace('_', '-');
        if (parser.isSet(flag))
            setConfigField(config, f, parser.value(flag));
    }
    validateConfig(config);
    return config;
}

int guarded(const std::function<int()>& command)
{
    try {
        return command();
    } catch (const StudioError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: unexpected failure: %s\n", plainMessage(e).c_str());
    }
    return 1;
}

std::int64_t parseRunId(const QString& text)
{
    bool ok = false;
    const auto id = text.toLongLong(&ok);
    if (!ok || id <= 0)
        throw StudioError("\"" + text.toStdString() + "\" is not a run id (a positive number; see `runs list`).");
    return id;
}

std::int64_t wholeNumber(const QCommandLineParser& parser, const QString& name, std::int64_t min, std::int64_t max)
{
    bool ok = false;
    const auto text = parser.value(name);
    const auto v = text.toLongLong(&ok);
    if (!ok || v < min || v > max)
        throw StudioError("--" + name.toStdString() + " must be a whole number from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", not \"" + text.toStdString() + "\".");
    return v;
}

bool stdoutIsTerminal()
{
    return ::isatty(STDOUT_FILENO) == 1;
}

void addEvaluationOptions(QCommandLineParser& parser)
{
    parser.addOption({"bins", "Reliability-diagram bins (default 15).", "N", "15"});
    parser.addOption({"binning", "uniform (default) or equal-mass reliability bins.", "KIND", "uniform"});
}

EvaluationOptions evaluationOptions(const QCommandLineParser& parser)
{
    EvaluationOptions options;
    bool ok = false;
    options.calibrationBins = parser.value("bins").toInt(&ok);
    if (!ok || options.calibrationBins < 1 || options.calibrationBins > 1000)
        throw StudioError("--bins must be a whole number between 1 and 1000.");
    const auto binning = parser.value("binning");
    if (binning != "uniform" && binning != "equal-mass")
        throw StudioError("--binning must be uniform or equal-mass.");
    options.binning = binning == "equal-mass" ? Binning::EqualMass : Binning::Uniform;
    return options;
}

} // namespace studio::cli

namespace studio::cli {

std::string percent(double v)
{
    return v < 0 || !std::isfinite(v) ? "-" : QString::number(v * 100, 'f', 2).toStdString() + "%";
}

} // namespace studio::cli
