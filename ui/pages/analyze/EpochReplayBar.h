#pragma once
#include <QWidget>

#include <vector>

class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace studio::ui {

/// The epoch slider of the Analyze page: picks one of a run's replayed epochs (dragging, the
/// arrow keys, or Play, which steps through them a few times a second and stops at the last).
/// Hidden when the analysis has no replay.
class EpochReplayBar : public QWidget {
    Q_OBJECT
public:
    explicit EpochReplayBar(QWidget* parent = nullptr);

    /// The replayed epochs (ascending) and the index to show first; none hides the bar.
    void setEpochs(const std::vector<int>& epochs, int index);
    int currentIndex() const;
    int epochAt(int index) const { return m_epochs.at(std::size_t(index)); }
    void setCurrentIndex(int index);
    bool isPlaying() const;
    void play();
    void pause();

Q_SIGNALS:
    void indexChanged(int index);

private:
    void showLabel();

    QSlider* m_slider;
    QToolButton* m_play;
    QLabel* m_label;
    QTimer* m_timer;
    std::vector<int> m_epochs;
};

} // namespace studio::ui
