#pragma once
#include <QString>

namespace studio::test {

/// tests/data/<name> in the source tree (CTest sets MNIST_STUDIO_SOURCE).
QString fixturePath(const QString& name);

/// Copies the folder `from` with everything in it to `to` (created); false on any failure.
bool copyFolder(const QString& from, const QString& to);

} // namespace studio::test
