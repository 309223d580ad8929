#include "ImageDetailPanel.h"

#include "DigitImage.h"
#include "ProbabilityBars.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace studio::ui {
namespace {

constexpr int kScale = 8;

} // namespace

ImageDetailPanel::ImageDetailPanel(QWidget* parent)
    : QWidget(parent), m_image(new QLabel(this)), m_text(new QLabel(this)), m_bars(new ProbabilityBars(this)),
      m_gradCam(new QCheckBox(tr("Grad-CAM overlay"), this))
{
    m_image->setObjectName("detailImage");
    m_image->setFixedSize(28 * kScale, 28 * kScale);
    m_image->setStyleSheet("QLabel { background: black; }");
    m_text->setObjectName("detailText");
    m_text->setWordWrap(true);
    m_gradCam->setObjectName("gradCam");
    m_bars->setMinimumHeight(170);
    auto* toCanvas = new QPushButton(tr("Open in canvas"), this);
    toCanvas->setObjectName("openInCanvas");
    auto* robustness = new QPushButton(tr("Robustness"), this);
    robustness->setObjectName("imageRobustness");
    robustness->setToolTip(tr("Sweep this image over shift, rotation, scale, stroke and noise on the Draw page, "
                              "with the checkpoint analysed here"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_gradCam);
    buttons->addStretch(1);
    buttons->addWidget(robustness);
    buttons->addWidget(toCanvas);
    auto* side = new QVBoxLayout;
    side->addWidget(m_text);
    side->addWidget(m_bars, 1);
    side->addLayout(buttons);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_image);
    layout->addLayout(side, 1);

    connect(m_gradCam, &QCheckBox::toggled, this, [this] {
        if (wantsHeatMap())
            Q_EMIT heatMapWanted(m_index, m_analysis->images[std::size_t(m_index)].predicted);
        redraw();
    });
    connect(toCanvas, &QPushButton::clicked, this, [this] {
        if (m_analysis && m_index >= 0)
            Q_EMIT openInCanvas(m_analysis->image(m_index));
    });
    connect(robustness, &QPushButton::clicked, this, [this] {
        if (m_analysis && m_index >= 0)
            Q_EMIT robustnessWanted(m_analysis->image(m_index), m_analysis->checkpoint);
    });
}

bool ImageDetailPanel::wantsHeatMap() const
{
    return m_gradCam->isChecked() && m_analysis && m_index >= 0 && m_heat.index != m_index;
}

void ImageDetailPanel::show(const Analysis* analysis, std::int64_t index)
{
    m_analysis = analysis;
    m_index = index;
    if (wantsHeatMap())
        Q_EMIT heatMapWanted(m_index, m_analysis->images[std::size_t(m_index)].predicted);
    redraw();
}

void ImageDetailPanel::setHeatMap(const HeatMap& map)
{
    if (map.index != m_index)
        return;
    m_heat = map;
    redraw();
}

QString ImageDetailPanel::history() const
{
    if (std::size_t(m_index) >= m_analysis->histories.size())
        return {};
    const auto& h = m_analysis->histories[std::size_t(m_index)];
    const auto& replay = m_analysis->replay;
    const QString learned = h.learnedAt > 0 ? tr("learned at epoch %1").arg(h.learnedAt)
                                            : tr("not learned by epoch %1").arg(replay.back().epoch);
    const QString forgotten = h.forgettingEvents == 0   ? tr("never forgotten")
                              : h.forgettingEvents == 1 ? tr("forgotten once")
                                                        : tr("forgotten %1 times").arg(h.forgettingEvents);
    return tr("<br>%1, %2; right at %3 of %4 epochs").arg(learned, forgotten).arg(h.epochsCorrect).arg(replay.size());
}

void ImageDetailPanel::redraw()
{
    if (!m_analysis || m_index < 0) {
        m_image->clear();
        m_text->clear();
        m_bars->setProbabilities({});
        return;
    }
    const auto& s = m_analysis->shownImages()[std::size_t(m_index)];
    const bool overlay = m_gradCam->isChecked() && m_heat.index == m_index;
    QImage big = m_analysis->image(m_index).convertToFormat(QImage::Format_RGB32).scaled(28 * kScale, 28 * kScale);
    if (overlay) {
        const QImage heat = heatOverlay(m_heat.heat.data(), 28, 28);
        QPainter painter(&big);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(big.rect(), heat);
    }
    m_image->setPixmap(QPixmap::fromImage(big));
    m_text->setText(tr("<b>image #%1</b>: true %2, predicted %3<br>confidence %4 %, loss %5, entropy %6, margin %7%8")
                        .arg(s.index)
                        .arg(m_analysis->className(s.label), m_analysis->className(s.predicted))
                        .arg(s.confidence * 100, 0, 'f', 2)
                        .arg(s.loss, 0, 'f', 3)
                        .arg(s.entropy, 0, 'f', 3)
                        .arg(s.margin, 0, 'f', 3)
                        .arg(history() + (overlay ? tr("<br>%1 for class %2 (the checkpoint's weights)")
                                                        .arg(m_heat.method, m_analysis->className(m_heat.targetClass))
                                                  : QString())));
    // Softmax of this image's logits only.
    const auto& scores = m_analysis->shownEvaluation().scores;
    const auto c = std::size_t(scores.numClasses);
    const float* z = scores.logits.data() + std::size_t(m_index) * c;
    const float top = *std::max_element(z, z + c);
    std::vector<float> row(c);
    float sum = 0;
    for (std::size_t k = 0; k < c; ++k)
        sum += row[k] = std::exp(z[k] - top);
    for (auto& p : row)
        p /= sum;
    m_bars->setClassNames(m_analysis->classNames);
    m_bars->setProbabilities(row);
}

} // namespace studio::ui
