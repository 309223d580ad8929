#pragma once
#include <QStringList>

class QCommandLineParser;

namespace studio::cli {

/// Each command receives its arguments with args[0] = "mnist-studio-cli <command>" and returns
/// the process exit code: 0 success, 1 an error (one "error: …" line each), 2 a usage error,
/// 130 stopped by Ctrl-C/SIGTERM (training, resumable); predict: kExitNoInk when every readable
/// image was classified but some held no ink.
constexpr int kExitNoInk = 3;
int trainCommand(const QStringList& args);
int resumeCommand(const QStringList& args);
int evaluateCommand(const QStringList& args);
int summaryCommand(const QStringList& args);
int lrScheduleCommand(const QStringList& args);
int presetsCommand(const QStringList& args);
int fetchDataCommand(const QStringList& args);
int runsCommand(const QStringList& args);
int predictCommand(const QStringList& args);
int exportCommand(const QStringList& args);
int reportCommand(const QStringList& args);
int ablateCommand(const QStringList& args);
int workerCommand(const QStringList& args);
int sweepCommand(const QStringList& args);
/// The sweep side of `worker` (without world options): --sweep, --max-runs, and the loop.
void addSweepWorkerOptions(QCommandLineParser& parser);
int sweepWorker(const QCommandLineParser& parser);

} // namespace studio::cli
