#include "RunCheckpoints.h"

#include "runs/RunStore.h"

#include <QDir>
#include <QFile>
#include <QObject>

namespace studio::ui {

QList<CheckpointChoice> runCheckpoints(const QString& runsFolder)
{
    QList<CheckpointChoice> out;
    const RunStore store(runsFolder);
    const auto runs = store.runs();
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        const QDir dir(store.runDir(it->id));
        if (QFile::exists(dir.filePath("best.pt")))
            out.append({QObject::tr("Run %1 · %2 · best (val %3 %)")
                            .arg(it->id)
                            .arg(it->name.isEmpty() ? it->model : it->name)
                            .arg(it->bestValAccuracy * 100, 0, 'f', 2),
                        dir.filePath("best.pt")});
        if (it->status == "running" && QFile::exists(dir.filePath("latest.pt")))
            out.append(
                {QObject::tr("Run %1 · %2 · latest (training)").arg(it->id).arg(it->model), dir.filePath("latest.pt")});
    }
    return out;
}

} // namespace studio::ui
