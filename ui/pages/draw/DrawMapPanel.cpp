#include "DrawMapPanel.h"

#include "AnalysisService.h"
#include "EmbeddingPanel.h"
#include "EmbeddingView.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace studio::ui {

DrawMapPanel::DrawMapPanel(QWidget* parent)
    : QWidget(parent), m_status(new QLabel(this)), m_useModel(new QPushButton(tr("Use the map's model"), this)),
      m_view(new EmbeddingView(this))
{
    m_status->setObjectName("drawMapStatus");
    m_status->setWordWrap(true);
    m_useModel->setObjectName("drawMapUseModel");
    m_view->setObjectName("drawMapView");
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_status);
    layout->addWidget(m_useModel, 0, Qt::AlignLeft);
    layout->addWidget(m_view, 1);
    connect(m_useModel, &QPushButton::clicked, this, [this] {
        if (m_layout)
            Q_EMIT useModel(m_layout->analysis->checkpoint);
    });
    m_view->clear(tr("Make a map on the Analyze page (Embedding map tab) to see where your drawing falls "
                     "among the analysed images."));
    showStatus();
}

void DrawMapPanel::setMap(const std::shared_ptr<const MapLayout>& layout)
{
    m_layout = layout;
    showLayout(*m_view, layout);
    showStatus();
}

void DrawMapPanel::setCheckpoint(const QString& checkpoint)
{
    m_checkpoint = checkpoint;
    showStatus();
}

void DrawMapPanel::showPlacement(std::optional<QPointF> at, const QString& label)
{
    m_view->setMarker(at, label);
}

void DrawMapPanel::showStatus()
{
    const bool sameModel = m_layout && m_layout->analysis->checkpoint == m_checkpoint;
    m_useModel->setVisible(m_layout && !sameModel);
    if (!m_layout) {
        m_status->setText(tr("No map yet."));
        return;
    }
    const Analysis& a = *m_layout->analysis;
    if (!sameModel) {
        m_status->setText(tr("This map is of %1 (%2); the drawing is scored by another model, so it is not "
                             "placed on it.")
                              .arg(a.model, QDir::toNativeSeparators(a.checkpoint)));
        m_view->setMarker(std::nullopt);
        return;
    }
    m_status->setText(tr("Your drawing (the cross) among the %L1 images of the %2 split, %3: it lands where "
                         "the images the model sees alike are.")
                          .arg(qlonglong(m_layout->points.size()))
                          .arg(QString::fromStdString(a.evaluation.split),
                               m_layout->request.tsne ? tr("placed by its 10 nearest images in feature space (t-SNE)")
                                                      : tr("projected like them (PCA)")));
}

QString DrawMapPanel::statusText() const
{
    return m_status->text();
}

} // namespace studio::ui
