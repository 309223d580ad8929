#pragma once
#include "RunHistory.h"

#include "evaluation/Evaluation.h"
#include "runs/RunStore.h"
#include "runs/Ablation.h"

#include <QImage>
#include <QList>
#include <QStringList>

#include <vector>

namespace studio::ui {

/// What a run's report shows.
struct ReportInput {
    RunRecord run;
    RunHistory history;             ///< per-batch and per-epoch curves as the Train page draws them
    QString modelSummary;           ///< the CLI's `summary` table
    Evaluation evaluation;          ///< on the test split
    QList<QImage> errorImages;      ///< 28×28 images of evaluation.errors, in that order (the gallery's first 20)
    std::vector<AblationRow> study; ///< the study this run belongs to, as `ablate` tabulates it (empty: none)
};

/// Writes charts/<name>.png and .svg (training curves, confusion matrices, reliability diagram,
/// confidence histograms — drawn by the studio's own chart widgets, offscreen) and a
/// self-contained report.html (charts and gallery embedded) into `folder`. Needs a QApplication.
/// Returns the files written; throws StudioError naming a file it cannot write.
QStringList writeReport(const QString& folder, const ReportInput& input);

/// A run's whole report once its evaluation is in `input` (evaluateForReport): the evaluation
/// files, history.csv, the test result in the store, then writeReport() with the run, its history
/// and its study's table filled in. Needs a QApplication; throws StudioError naming a file.
QStringList writeRunReport(RunStore& store, qint64 runId, ReportInput input, const QString& folder);

} // namespace studio::ui
