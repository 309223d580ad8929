#include "support/CliRunner.h"

#include <QProcess>

namespace studio::test {

QString cliPath()
{
    return qEnvironmentVariable("STUDIO_CLI");
}

CliResult runCli(const QStringList& args, const QString& data, const QString& runs, const QStringList& env)
{
    QProcess p;
    auto e = QProcessEnvironment::systemEnvironment();
    e.insert("MNIST_STUDIO_DATA", data);
    e.insert("MNIST_STUDIO_RUNS", runs);
    for (const auto& entry : env)
        e.insert(entry.section('=', 0, 0), entry.section('=', 1));
    p.setProcessEnvironment(e);
    p.start(cliPath(), args);
    p.waitForFinished(300000);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace studio::test
