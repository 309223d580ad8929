#pragma once
#include "runs/RunStore.h"

#include <QChartView>

#include <vector>

namespace studio::ui {

/// Accuracy against parameter count (log axis) for every architecture in the store, each point
/// the architecture's best run, its size the training seconds per epoch (seed 001's comparison of
/// accuracy, size and time in one picture). The legend names model, parameters and time.
class ArchitectureChart : public QChartView {
    Q_OBJECT
public:
    explicit ArchitectureChart(QWidget* parent = nullptr);

    struct Point {
        QString model;
        QString dataset; ///< the data its runs were trained on
        qint64 parameters = 0;
        double accuracy = 0;        ///< the best run's final accuracy (test, else best validation)
        double secondsPerEpoch = 0; ///< that run's
        qint64 runId = 0;
    };
    /// One point per architecture and dataset (runs on different data are never compared): its run
    /// with the highest final accuracy.
    static std::vector<Point> bestPerArchitecture(const std::vector<RunRecord>& runs);

    void setRuns(const std::vector<RunRecord>& runs);
    const std::vector<Point>& points() const { return m_points; }

private:
    std::vector<Point> m_points;
};

} // namespace studio::ui
