#include "EpochReplayBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

namespace studio::ui {

EpochReplayBar::EpochReplayBar(QWidget* parent)
    : QWidget(parent), m_slider(new QSlider(Qt::Horizontal, this)), m_play(new QToolButton(this)),
      m_label(new QLabel(this)), m_timer(new QTimer(this))
{
    m_slider->setObjectName("epochSlider");
    m_slider->setPageStep(1);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setToolTip(tr("The validation split as the run's model predicted it at the end of each epoch"));
    m_play->setObjectName("playEpochs");
    m_play->setText(tr("Play"));
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_play->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_label->setObjectName("epochLabel");
    m_label->setMinimumWidth(fontMetrics().horizontalAdvance(tr("epoch 888 of 888")) + 8);
    m_timer->setInterval(350);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(new QLabel(tr("Epoch replay"), this));
    layout->addWidget(m_play);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_label);
    connect(m_slider, &QSlider::valueChanged, this, [this](int index) {
        showLabel();
        Q_EMIT indexChanged(index);
    });
    connect(m_play, &QToolButton::clicked, this, [this] { isPlaying() ? pause() : play(); });
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (currentIndex() + 1 >= int(m_epochs.size()))
            pause();
        else
            m_slider->setValue(currentIndex() + 1);
    });
    hide();
}

void EpochReplayBar::setEpochs(const std::vector<int>& epochs, int index)
{
    pause();
    m_epochs = epochs;
    setVisible(!epochs.empty());
    const QSignalBlocker quiet(m_slider);
    m_slider->setRange(0, std::max(0, int(epochs.size()) - 1));
    m_slider->setValue(index);
    showLabel();
}

int EpochReplayBar::currentIndex() const
{
    return m_slider->value();
}

void EpochReplayBar::setCurrentIndex(int index)
{
    m_slider->setValue(index);
}

bool EpochReplayBar::isPlaying() const
{
    return m_timer->isActive();
}

void EpochReplayBar::play()
{
    if (m_epochs.size() < 2)
        return;
    if (currentIndex() + 1 >= int(m_epochs.size())) // from the start again
        m_slider->setValue(0);
    m_timer->start();
    m_play->setText(tr("Pause"));
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
}

void EpochReplayBar::pause()
{
    m_timer->stop();
    m_play->setText(tr("Play"));
    m_play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
}

void EpochReplayBar::showLabel()
{
    if (m_epochs.empty())
        return m_label->clear();
    m_label->setText(tr("epoch %1 of %2").arg(m_epochs[std::size_t(currentIndex())]).arg(m_epochs.back()));
}

} // namespace studio::ui
