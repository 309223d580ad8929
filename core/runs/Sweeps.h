#pragma once
#include "runs/RunStore.h"
#include "runs/SweepSpace.h"

#include <optional>

namespace studio {

/// Expands `spec` (expandSweep) and files the sweep with its queued runs on `data`, each run named
/// "<name> <varied values>". Throws StudioError for an invalid spec, with nothing filed.
std::int64_t createSweep(RunStore& store, const QString& name, const SweepSpec& spec, const DatasetInfo& data);

/// A finished run's value of a sweep metric ("val_acc": best validation accuracy, "test_acc"), or
/// -1 when the run has none yet.
double sweepMetric(const RunRecord& run, const std::string& metric);
/// The finished run with the highest metric, or nullopt when none has one.
std::optional<RunRecord> bestSweepRun(const std::vector<RunRecord>& runs, const std::string& metric);

} // namespace studio
