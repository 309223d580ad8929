#pragma once
#include <QStringList>

namespace studio::cli {

/// Each command receives its arguments with args[0] = "mnist-studio-cli <command>" and returns
/// the process exit code.
int trainCommand(const QStringList& args);
int resumeCommand(const QStringList& args);
int evaluateCommand(const QStringList& args);
int summaryCommand(const QStringList& args);
int lrScheduleCommand(const QStringList& args);
int presetsCommand(const QStringList& args);
int runsCommand(const QStringList& args);
int predictCommand(const QStringList& args);
int reportCommand(const QStringList& args);
int ablateCommand(const QStringList& args);
int workerCommand(const QStringList& args);

} // namespace studio::cli
