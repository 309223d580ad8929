#include "runs/RunRecovery.h"

#include "training/Checkpoint.h"
#include "training/EarlyStopping.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <cstdio>

namespace studio {
namespace {

/// Has the store committed everything a checkpoint at `p` covers?
bool recorded(const RunRecord& run, std::int64_t steps, const TrainingPosition& p)
{
    if (run.epochsDone < p.epoch)
        return false;
    return p.batch == 0 || steps >= p.step; // mid-epoch (a stop): its batches are recorded
}

} // namespace

void settleCheckpoints(const RunStore& store, std::int64_t id)
{
    const auto run = store.run(id);
    if (!run)
        return;
    const QDir dir(store.runDir(id));
    // QSaveFile's temporary files ("latest.pt.pending.AbC123") of a write that never finished.
    static const QRegularExpression partial(R"(^(latest|best)\.pt(\.pending)?\.[A-Za-z0-9]{6}$)");
    for (const auto& name : dir.entryList(QDir::Files | QDir::Hidden))
        if (partial.match(name).hasMatch())
            QFile::remove(dir.filePath(name));
    const auto steps = store.recordedSteps(id);
    for (const char* name : {"best.pt", "latest.pt"}) {
        const QString path = dir.filePath(name), staged = stagedPath(path);
        if (!QFile::exists(staged))
            continue;
        bool keep = false;
        try {
            keep = recorded(*run, steps, readCheckpointMeta(staged).position);
        } catch (const std::exception&) {
        }
        if (keep) {
            try {
                commitStaged(path);
            } catch (const std::exception&) { // another process moved it first
            }
        } else {
            QFile::remove(staged);
        }
    }
}

std::pair<QString, QString> statusAfterProcessEnded(const RunStore& store, std::int64_t id)
{
    const auto run = store.run(id);
    if (run && run->epochsDone >= run->config.numEpochs)
        return {"completed", QString("Completed %1 epochs.").arg(run->config.numEpochs)};
    if (run && run->config.earlyStoppingPatience > 0) {
        try {
            const auto saved = readCheckpointMeta(QDir(store.runDir(id)).filePath("latest.pt"));
            EarlyStopping early(saved.config.earlyStoppingMonitor, saved.config.earlyStoppingPatience,
                                saved.config.earlyStoppingMinDelta);
            early.restore(saved.position.early);
            if (early.shouldStop() && saved.position.epoch == run->epochsDone && saved.position.batch == 0)
                return {"early-stopped", QString("Early stopped after epoch %1 (best: epoch %2).")
                                             .arg(saved.position.epoch)
                                             .arg(saved.position.early.bestEpoch)};
        } catch (const std::exception&) {
        }
    }
    return {"interrupted", "The process training this run ended without finishing it; resume continues from the "
                           "last saved epoch."};
}

} // namespace studio
