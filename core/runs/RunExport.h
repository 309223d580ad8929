#pragma once
#include "runs/RunStore.h"

namespace studio {

/// A run's per-epoch history as CSV (epoch,train_loss,train_acc,val_loss,val_acc,lr,seconds).
void exportHistoryCsv(const RunStore& store, std::int64_t id, const QString& path);
/// A run's record, config, dataset record, versions, epochs and batches as one JSON document.
void exportJson(const RunStore& store, std::int64_t id, const QString& path);

} // namespace studio
