#pragma once
#include "training/TrainConfig.h"

namespace studio {

/// Tracks the best epoch of a monitored validation metric and decides when to stop
/// (Keras EarlyStopping semantics: an improvement must beat the best by more than min_delta).
class EarlyStopping {
public:
    struct State {
        double best = 0.0;
        int bestEpoch = 0; ///< 1-based; 0: none yet
        int epochsWithoutImprovement = 0;
    };

    EarlyStopping(Monitor monitor, int patience, double minDelta);

    /// Records the metric of (1-based) `epoch`; returns true when it is the new best.
    bool update(int epoch, double value);
    /// Patience exhausted (never true when patience is 0, i.e. early stopping is off).
    bool shouldStop() const;

    const State& state() const { return m_state; }
    void restore(const State& state) { m_state = state; }

private:
    Monitor m_monitor;
    int m_patience;
    double m_minDelta;
    State m_state;
};

} // namespace studio
