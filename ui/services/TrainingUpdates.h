#pragma once
#include "training/TrainConfig.h"
#include "training/TrainingEvents.h"

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace studio::ui {

/// Plain values a training session reports to the UI thread (queued signals carry copies).

struct RunStarted {
    qint64 runId = 0;
    QString runDir;
    QString model;
    QString dataset;    ///< the data it trains on ("Fashion-MNIST 874972b5c09d")
    TrainConfig config; ///< what it trains (a resumed run's or a study variant's own)
    qint64 batchesPerEpoch = 0;
    qint64 batchSize = 0;
    int numEpochs = 0;
    qint64 firstStep = 0;       ///< > 0 when a run resumes
    double secondsBefore = 0.0; ///< wall time of earlier sessions of this run
    qint64 trainImages = 0, validationImages = 0;
    qint64 parameters = 0;
    int processes = 1;      ///< ranks of a data-parallel run (the events are rank 0's)
    QStringList classNames; ///< of the data, in class order
};

// Batches and epochs travel as the trainer reports them: studio::BatchRecord, studio::EpochRecord.

struct RunFinished {
    FinishReason reason = FinishReason::Completed; ///< in words: nameOf(reason)
    QString message;                               ///< one line from the trainer
    int epochsCompleted = 0;
    int bestEpoch = 0;
    double bestValAccuracy = 0;
    qint64 step = 0;
    double seconds = 0;
    double testAccuracy = -1; ///< when the run was scored on the test split afterwards (studies)
    QString evaluationError;  ///< why that scoring failed
};

} // namespace studio::ui

Q_DECLARE_METATYPE(studio::ui::RunStarted)
Q_DECLARE_METATYPE(studio::BatchRecord)
Q_DECLARE_METATYPE(studio::EpochRecord)
Q_DECLARE_METATYPE(studio::ui::RunFinished)
