#include "support/Fixtures.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>

namespace studio::test {

QString fixturePath(const QString& name)
{
    return qEnvironmentVariable("MNIST_STUDIO_SOURCE") + "/tests/data/" + name;
}

bool copyFolder(const QString& from, const QString& to)
{
    const QDir source(from);
    if (!source.exists() || !QDir().mkpath(to))
        return false;
    for (QDirIterator it(from, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
         it.hasNext();) {
        const QString path = it.next();
        const QString target = QDir(to).filePath(source.relativeFilePath(path));
        if (it.fileInfo().isDir() ? !QDir().mkpath(target) : !QFile::copy(path, target))
            return false;
        if (!it.fileInfo().isDir()) // a copy to write to, whatever the checkout's modes
            QFile::setPermissions(target, QFile::permissions(target) | QFileDevice::WriteOwner);
    }
    return true;
}

} // namespace studio::test
