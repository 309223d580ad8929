#pragma once
// Readable QCOMPARE failure output for core enums.
#include "training/TrainConfig.h"
#include "training/TrainingEvents.h"

#include <QTest>

namespace QTest {
template <> inline char* toString(const studio::FinishReason& r)
{
    return qstrdup(studio::nameOf(r).c_str());
}
template <> inline char* toString(const studio::OptimizerKind& k)
{
    return qstrdup(studio::nameOf(k).c_str());
}
template <> inline char* toString(const studio::SchedulerKind& k)
{
    return qstrdup(studio::nameOf(k).c_str());
}
} // namespace QTest
