#pragma once
// What the fuzz targets share: the input written to a file of this process (the readers under test
// read files), in $TMPDIR.
#include <QDir>
#include <QFile>
#include <QString>

#include <cstdint>
#include <unistd.h>

namespace studio::fuzz {

/// A folder of this process for the target's files.
inline QString scratchFolder()
{
    static const QString folder = [] {
        const QString f = QDir::temp().filePath(QString("studio-fuzz-%1").arg(::getpid()));
        QDir().mkpath(f);
        return f;
    }();
    return folder;
}

/// Writes the input to `name` in the scratch folder; returns its path.
inline QString writeInput(const std::uint8_t* data, std::size_t size, const QString& name)
{
    const QString path = QDir(scratchFolder()).filePath(name);
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(reinterpret_cast<const char*>(data), qint64(size));
    return path;
}

} // namespace studio::fuzz
