#pragma once
#include <QString>

#include <cstdint>

namespace studio::test {

/// A tiny-v1 run (batch 32, one thread) of the dataset in `dataFolder`, trained in this process and
/// recorded in the store at `runs` as the front ends record one; with `stopAfterEpoch` > 0 it is
/// stopped (resumable) after that epoch. Returns the run's id.
std::int64_t trainRecordedRun(const QString& runs, const QString& dataFolder, int epochs, int stopAfterEpoch = 0);

} // namespace studio::test
