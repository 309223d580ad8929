#include "RobustnessPanel.h"

#include "DigitImage.h"
#include "RobustnessView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace studio::ui {
namespace {

constexpr int kWorstScale = 3;

} // namespace

RobustnessPanel::RobustnessPanel(QWidget* parent)
    : QWidget(parent), m_view(new RobustnessView(this)), m_worstButton(new QPushButton(tr("Worst case"), this)),
      m_legend(new QLabel(this)), m_worstImage(new QLabel(this)), m_worstText(new QLabel(this))
{
    m_worstButton->setObjectName("worstCase");
    m_worstButton->setToolTip(tr("Search the smallest mix of shift, rotation, scale, stroke and noise that makes the "
                                 "model change its answer"));
    m_worstImage->setObjectName("worstCaseImage");
    m_worstImage->setFixedSize(28 * kWorstScale + 2, 28 * kWorstScale + 2);
    m_worstImage->setStyleSheet("QLabel { background: black; border: 1px solid palette(mid); }");
    m_legend->setObjectName("robustnessLegend");
    m_legend->setWordWrap(true);
    m_worstText->setObjectName("worstCaseText");
    m_worstText->setWordWrap(true);
    m_worstText->setText(tr("The smallest change that flips the answer."));

    auto* worst = new QHBoxLayout;
    auto* buttonColumn = new QVBoxLayout;
    buttonColumn->addWidget(m_worstButton);
    buttonColumn->addStretch(1);
    worst->addLayout(buttonColumn);
    worst->addWidget(m_worstImage);
    worst->addWidget(m_worstText, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_legend);
    layout->addLayout(worst);
    drawingChanged(true);

    connect(m_worstButton, &QPushButton::clicked, this, [this] {
        m_worstButton->setEnabled(false);
        m_worstText->setText(tr("Searching…"));
        Q_EMIT worstCaseWanted();
    });
}

void RobustnessPanel::showSweep(const RobustnessSweep& sweep, const QImage& input28)
{
    m_view->setSweep(sweep, input28, m_classNames);
    m_legend->setText(tr("Bold: %1, the answer for the drawing as it is. Shaded: another answer; dashed: the nearest "
                         "flip each way. Point at a plot to see the bent image.")
                          .arg(m_classNames.value(sweep.original, QString::number(sweep.original))));
}

void RobustnessPanel::drawingChanged(bool empty)
{
    if (empty) {
        m_view->clear(tr("Draw a digit to see how far it bends before the model changes its mind."));
        m_legend->clear();
    }
    m_worstButton->setEnabled(!empty);
    m_worstImage->clear();
    m_worstText->setText(empty ? tr("The smallest change that flips the answer: draw something first.")
                               : tr("The smallest change that flips the answer."));
}

void RobustnessPanel::showWorstCase(const WorstCase& result)
{
    m_worstButton->setEnabled(result.original >= 0);
    const auto name = [this](int k) { return m_classNames.value(k, QString::number(k)); };
    if (result.original < 0) {
        drawingChanged(true);
        return;
    }
    if (!result.found) {
        m_worstImage->clear();
        m_worstText->setText(tr("Nothing within the sweep ranges changes the answer from %1 (%2 images tried).")
                                 .arg(name(result.original))
                                 .arg(result.evaluated));
        return;
    }
    const QImage image = grayImage(result.image.data, 28, 28, int(result.image.step));
    m_worstImage->setPixmap(QPixmap::fromImage(image.scaled(28 * kWorstScale, 28 * kWorstScale)));
    m_worstText->setText(tr("%1 → %2 (%3 %) with %4. Size %5 (1 = one full axis), %6 images tried.")
                             .arg(name(result.original), name(result.predicted))
                             .arg(double(result.confidence) * 100, 0, 'f', 0)
                             .arg(QString::fromStdString(describeChange(result.change)))
                             .arg(result.size, 0, 'f', 2)
                             .arg(result.evaluated));
}

QString RobustnessPanel::worstCaseText() const
{
    return m_worstText->text();
}

} // namespace studio::ui
