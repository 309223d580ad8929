#pragma once
#include <QList>
#include <QString>

namespace studio::ui {

/// A checkpoint of the run store a page can load.
struct CheckpointChoice {
    QString label; ///< "Run 3 · simple-cnn · best (val 99.10 %)"
    QString path;
};

/// Newest run first: each run's best.pt, and the latest.pt of runs still training. Throws
/// StudioError when the store cannot be opened.
QList<CheckpointChoice> runCheckpoints(const QString& runsFolder);

} // namespace studio::ui
