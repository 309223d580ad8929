#pragma once
#include "LiveChart.h"
#include "TrainingUpdates.h"

#include "training/TrainConfig.h"

#include <QWidget>

#include <vector>

class QTimer;
class QVBoxLayout;

namespace studio::ui {

struct RunHistory;

class ChartToolbar;
class ClassAccuracyStrip;

/// The live training charts — loss, accuracy, learning rate, generalisation gap, and beside them
/// the validation accuracy of each class (a heat strip; its curves on demand) — with their shared
/// controls (smoothing, log scale, x axis, export). Samples are buffered as they arrive; a timer
/// repaints at most 15 times a second.
class TrainingCharts : public QWidget {
    Q_OBJECT
public:
    explicit TrainingCharts(QWidget* parent = nullptr);

    /// The schedule `config` follows with `batchesPerEpoch` steps an epoch, drawn before (and
    /// under) the live LR curve; sets the charts' extent to the run's length.
    void showPlannedSchedule(const TrainConfig& config, qint64 batchesPerEpoch);
    /// A run starts: clears the curves unless it continues the run on show.
    void beginRun(const RunStarted& run);
    /// Draws a stored run's curves from scratch (a resumed run's live curves then continue them).
    void showHistory(const RunHistory& history);
    void addBatch(const BatchRecord& update);
    void addEpoch(const EpochRecord& update);
    void finishRun(const RunFinished& result);

    LiveChart* lossChart() const { return m_loss; }
    LiveChart* accuracyChart() const { return m_accuracy; }
    LiveChart* lrChart() const { return m_lr; }
    LiveChart* gapChart() const { return m_gap; }
    /// Per-class validation accuracy (%), one curve per class; hidden until showClassCurves(true).
    LiveChart* classChart() const { return m_classes; }
    ClassAccuracyStrip* classStrip() const { return m_strip; }
    QList<LiveChart*> charts() const { return {m_loss, m_accuracy, m_lr, m_gap, m_classes}; }
    void showClassCurves(bool on);

    void setSmoothing(double weight);
    void setLogScale(bool on);
    void setXAxis(XAxis axis);
    /// Redraws the charts whose data changed (the timer calls this).
    void refresh();

private:
    void setClassNames(const QStringList& names);

    LiveChart* m_loss;
    LiveChart* m_accuracy;
    LiveChart* m_lr;
    LiveChart* m_gap;
    LiveChart* m_classes;
    ClassAccuracyStrip* m_strip;
    QVBoxLayout* m_classColumn = nullptr;
    QStringList m_classNames; ///< the curves m_classes has
    int m_batchLoss = 0, m_smoothLoss = 0, m_trainLoss = 0, m_valLoss = 0, m_emaValLoss = 0;
    int m_batchAccuracy = 0, m_trainAccuracy = 0, m_valAccuracy = 0, m_emaValAccuracy = 0;
    int m_plannedLr = 0, m_actualLr = 0;
    int m_gapSeries = 0;
    qint64 m_runId = 0;
    qint64 m_batchesPerEpoch = 1;
    double m_bestValue = 0;

    ChartToolbar* m_toolbar = nullptr;
    QTimer* m_repaint;
};

} // namespace studio::ui
