#pragma once
#include "runs/RunStore.h"

namespace studio {

/// A run's per-epoch history as CSV (epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds).
void exportHistoryCsv(const RunStore& store, std::int64_t id, const QString& path);
/// A run's record, config, dataset record, versions, epochs and batches as one JSON document.
void exportJson(const RunStore& store, std::int64_t id, const QString& path);

/// What an exported model (ONNX metadata_props) says about the run it came from: "run", "run_name",
/// "checkpoint" (`which`: best or latest) and, once evaluated, "test_accuracy".
std::vector<std::pair<std::string, std::string>> modelMetadata(const RunRecord& run, const QString& which);

} // namespace studio
