#include "training/EarlyStopping.h"

#include <cmath>

namespace studio {

EarlyStopping::EarlyStopping(Monitor monitor, int patience, double minDelta)
    : m_monitor(monitor), m_patience(patience), m_minDelta(minDelta)
{
}

bool EarlyStopping::update(int epoch, double value)
{
    if (!std::isfinite(value)) {
        ++m_state.epochsWithoutImprovement;
        return false;
    }
    const bool improved = m_state.bestEpoch == 0 || (m_monitor == Monitor::ValLoss ? value < m_state.best - m_minDelta
                                                                                   : value > m_state.best + m_minDelta);
    if (improved) {
        m_state.best = value;
        m_state.bestEpoch = epoch;
        m_state.epochsWithoutImprovement = 0;
    } else {
        ++m_state.epochsWithoutImprovement;
    }
    return improved;
}

bool EarlyStopping::shouldStop() const
{
    return m_patience > 0 && m_state.epochsWithoutImprovement >= m_patience;
}

} // namespace studio
