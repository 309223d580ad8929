// The trainer's checkpoints: where they are, what they say, how they are written (staged, then
// committed after the observers recorded what they cover) and how a run continues from one.
#include "training/Trainer.h"

#include "data/DatasetSearch.h"
#include "training/DataParallel.h"
#include "training/EpochReplay.h"
#include "util/KillPoint.h"
#include "util/StudioError.h"

#include <QDir>
#include <QTemporaryFile>

#include <algorithm>
#include <cmath>

namespace studio {

QString Trainer::latestPath() const
{
    return QDir(m_runDir).filePath("latest.pt");
}
QString Trainer::bestPath() const
{
    return QDir(m_runDir).filePath("best.pt");
}

void Trainer::resumeFrom(const QString& given)
{
    QTemporaryFile received; // a worker's copy of rank 0's checkpoint
    const QString checkpointPath = m_world ? shareCheckpoint(*m_world, given, received) : given;
    const auto saved = readCheckpointMeta(checkpointPath);
    if (saved.config.model != m_config.model)
        throw StudioError("Checkpoint " + checkpointPath.toStdString() + " holds a " + saved.config.model +
                          " model but this run trains " + m_config.model + ".");
    if (!sameData(saved.data, m_data))
        throw StudioError("Checkpoint " + checkpointPath.toStdString() + " was trained on " + saved.data.describe() +
                          ", not on " + m_data.describe() + ": training would go on with other data.");
    loadCheckpoint(checkpointPath, *model(), m_optimizer.get(), m_average ? m_model.get() : nullptr);
    m_position = saved.position;
    if (writes()) // epochs after the checkpoint's are redone
        dropReplayAfter(m_runDir, m_position.epoch);
    m_data.mean = saved.data.mean; // the normalisation the weights were trained with
    m_data.std = saved.data.std;
}

CheckpointMeta Trainer::meta(double valAccuracy, double valLoss) const
{
    CheckpointMeta m;
    m.config = m_config;
    m.position = m_position;
    m.data = m_data;
    m.valAccuracy = valAccuracy;
    m.valLoss = valLoss;
    return m;
}

void Trainer::stage(const QString& path, const char* kind, const CheckpointMeta& m)
{
    stageCheckpoint(path, *model(), m_optimizer.get(), m, m_average ? m_model.get() : nullptr);
    // A newer stage of the same file replaces one still held (records not yet committed).
    std::erase_if(m_staged, [&](const CheckpointEvent& c) { return c.path == path.toStdString(); });
    m_staged.push_back({path.toStdString(), kind, m.position.epoch});
    killPoint(kind == std::string("best") ? "best-staged" : "latest-staged");
}

void Trainer::commitCheckpoints()
{
    for (const auto& c : m_staged) {
        commitStaged(QString::fromStdString(c.path));
        for (auto* o : m_observers)
            o->onCheckpoint(c);
    }
    m_staged.clear();
}

bool Trainer::checkpointsHeld() const
{
    return std::any_of(m_observers.begin(), m_observers.end(), [](const auto* o) { return o->holdsCheckpoints(); });
}

void Trainer::saveLatest()
{
    if (writes())
        stage(latestPath(), "latest", meta(std::nan(""), std::nan("")));
}

} // namespace studio
