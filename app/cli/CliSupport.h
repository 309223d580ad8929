#pragma once
#include "data/DatasetSearch.h"
#include "evaluation/Evaluation.h"
#include "runs/RunStore.h"
#include "training/TrainConfig.h"

#include <QCommandLineParser>
#include <QStringList>

#include <cstdio>
#include <functional>
#include <string>

namespace studio::cli {

/// Parses `args` (args[0] is "mnist-studio-cli <command>") for one command; --help prints the
/// command's help and exits 0, a bad flag prints the problem and exits 2.
void parseOrExit(QCommandLineParser& parser, const QStringList& args, const QString& description);

/// --data, --runs and --threads, shared by the commands that need them.
void addDataOption(QCommandLineParser& parser);
void addRunsOption(QCommandLineParser& parser);

/// --data for commands that open a run: one more place to look for the run's own data.
void addRunDataOption(QCommandLineParser& parser);

/// Loads the dataset from --data / MNIST_STUDIO_DATA / set-up folder / XDG (throws StudioError).
Dataset loadDatasetFor(const QCommandLineParser& parser);
/// Where to look for a run's data: the known locations with --data among them.
DataSearch dataSearch(const QCommandLineParser& parser);
/// The runs folder for --runs.
QString runsFolder(const QCommandLineParser& parser);

/// Adds --<key> (underscores as dashes) for every config field plus --config FILE and --preset ID.
void addConfigOptions(QCommandLineParser& parser);
/// --preset, then --config, then individual flags over `start` (default: the defaults); validated
/// (throws StudioError).
TrainConfig configFromOptions(const QCommandLineParser& parser, const TrainConfig& start = {});

/// --bins and --binning for the reliability diagram.
void addEvaluationOptions(QCommandLineParser& parser);
/// The evaluation options of --bins / --binning (throws StudioError on a bad value).
EvaluationOptions evaluationOptions(const QCommandLineParser& parser);

/// Runs `command`, turning StudioError and other exceptions into "error: …" on stderr, exit 1.
int guarded(const std::function<int()>& command);

/// A run id argument, or throws StudioError.
std::int64_t parseRunId(const QString& text);
/// The value of option --`name` (its default when not given): a whole number from `min` to `max`,
/// else StudioError naming the option, the range and what was given.
std::int64_t wholeNumber(const QCommandLineParser& parser, const QString& name, std::int64_t min, std::int64_t max);

bool stdoutIsTerminal();
/// An accuracy as "97.25%", or "-" when there is none (negative or not finite).
std::string percent(double v);

} // namespace studio::cli
