#pragma once
#include <QStringList>

namespace studio::test {

/// What a CLI process gave: exit code (-1 when it died of a signal), stdout, stderr.
struct CliResult {
    int code = -1;
    QString out, err;
};

/// The CLI under test (CTest passes its path in $STUDIO_CLI).
QString cliPath();

/// Runs the CLI under test ($STUDIO_CLI, set by CTest) with `args` on the data folder `data` and
/// the runs folder `runs` ($MNIST_STUDIO_DATA, $MNIST_STUDIO_RUNS), plus `env` ("NAME=value"
/// entries); waits up to five minutes.
CliResult runCli(const QStringList& args, const QString& data, const QString& runs, const QStringList& env = {});

} // namespace studio::test
