#pragma once
#include <QString>

#include <cstdint>

namespace studio::test {

/// Makes run `id` of the store in `folder` look as if its training process had died (a kill -9):
/// its pid becomes one no process has. Writes through a connection of its own, as another
/// process would; returns false if the database cannot be opened or updated.
bool markProcessGone(const QString& folder, std::int64_t id);

} // namespace studio::test
