#pragma once
#include "util/TorchThreads.h"

#include <QThreadPool>
#include <QtConcurrent>

namespace studio::ui {

/// The UI's background pool for torch work (dataset loading, model summaries, augmentation
/// previews): one thread, so previews never compete with a training thread for both cores.
QThreadPool* torchPool();

/// One thread for the embedding map's t-SNE, beside torchPool(): a minute of it needs no model
/// and must not hold up Grad-CAM or an analysis.
QThreadPool* tsnePool();

/// Runs `task` on torchPool() with one intra-op thread (0.58 ms vs 1.47 ms for one image on
/// two cores); the UI thread never runs torch.
template <typename Task> auto runTorchTask(Task task)
{
    return QtConcurrent::run(torchPool(), [task = std::move(task)] {
        configureTorchThread(1);
        return task();
    });
}

} // namespace studio::ui
