#include "EmbeddingPanel.h"

#include "AnalysisService.h"
#include "EmbeddingView.h"
#include "GalleryModel.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

namespace studio::ui {

void showLayout(EmbeddingView& view, const std::shared_ptr<const MapLayout>& layout)
{
    const Analysis& a = *layout->analysis;
    std::vector<MapPoint> points(layout->points.size());
    for (std::size_t i = 0; i < points.size() && i < a.images.size(); ++i)
        points[i] = {layout->points[i], a.images[i].label, a.images[i].predicted, a.images[i].confidence};
    view.setPoints(std::move(points), a.classNames,
                   [analysis = layout->analysis](int i) { return analysis->image(i); });
}

EmbeddingPanel::EmbeddingPanel(QWidget* parent)
    : QWidget(parent), m_service(new EmbeddingService(this)), m_method(new QComboBox(this)),
      m_perplexity(new QDoubleSpinBox(this)), m_iterations(new QSpinBox(this)),
      m_compute(new QPushButton(tr("Compute"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_progress(new QProgressBar(this)), m_colouring(new QComboBox(this)), m_status(new QLabel(this)),
      m_view(new EmbeddingView(this)), m_gallery(new GalleryModel(this)), m_galleryView(new QListView(this)),
      m_selectionText(new QLabel(this))
{
    m_method->setObjectName("mapMethod");
    m_method->addItem(tr("PCA"), false);
    m_method->addItem(tr("t-SNE"), true);
    m_method->setToolTip(tr("PCA: the two directions of largest variance (instant, keeps global distances).\n"
                            "t-SNE: keeps each image's neighbours together (about a minute for 10,000 images)."));
    m_perplexity->setObjectName("mapPerplexity");
    m_perplexity->setRange(2, 100);
    m_perplexity->setDecimals(0);
    m_perplexity->setValue(30);
    m_perplexity->setPrefix(tr("perplexity "));
    m_perplexity->setToolTip(tr("t-SNE's effective number of neighbours per image"));
    m_iterations->setObjectName("mapIterations");
    m_iterations->setRange(250, 5000);
    m_iterations->setSingleStep(250);
    m_iterations->setValue(1000);
    m_iterations->setSuffix(tr(" iterations"));
    m_compute->setObjectName("mapCompute");
    m_cancel->setObjectName("mapCancel");
    m_cancel->setEnabled(false);
    m_progress->setObjectName("mapProgress");
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(160);
    m_progress->setVisible(false);
    m_colouring->setObjectName("mapColouring");
    m_colouring->addItem(tr("Colour by true class"), int(EmbeddingView::Colouring::TrueClass));
    m_colouring->addItem(tr("Colour by predicted class"), int(EmbeddingView::Colouring::Predicted));
    m_colouring->addItem(tr("Colour by correct / error"), int(EmbeddingView::Colouring::Correctness));
    m_colouring->addItem(tr("Colour by confidence"), int(EmbeddingView::Colouring::Confidence));
    m_status->setObjectName("mapStatus");
    m_status->setWordWrap(true);
    m_view->clear(tr("Analyse a model: its images are mapped here by what its last layer sees."));

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_method);
    controls->addWidget(m_perplexity);
    controls->addWidget(m_iterations);
    controls->addWidget(m_compute);
    controls->addWidget(m_cancel);
    controls->addWidget(m_progress);
    controls->addStretch(1);
    controls->addWidget(m_colouring);

    m_gallery->setFilter({.errorsOnly = false, .only = std::vector<int>{}});
    m_gallery->setOrder(ImageOrder::Loss); // the selection's errors first
    m_galleryView->setObjectName("mapGallery");
    m_galleryView->setModel(m_gallery);
    m_galleryView->setViewMode(QListView::IconMode);
    m_galleryView->setUniformItemSizes(true);
    m_galleryView->setResizeMode(QListView::Adjust);
    m_galleryView->setMovement(QListView::Static);
    m_galleryView->setIconSize(QSize(56, 56));
    m_galleryView->setGridSize(QSize(104, 86));
    m_galleryView->setLayoutMode(QListView::Batched);
    m_selectionText->setObjectName("mapSelection");
    m_selectionText->setWordWrap(true);
    auto* side = new QWidget(this);
    side->setMinimumWidth(2 * 104 + 40); // two thumbnails a row
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_selectionText);
    sideLayout->addWidget(m_galleryView, 1);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    showSelection({});

    auto settingsShown = [this] {
        const bool tsne = m_method->currentData().toBool();
        m_perplexity->setEnabled(tsne);
        m_iterations->setEnabled(tsne);
    };
    settingsShown();
    connect(m_method, &QComboBox::currentIndexChanged, this, [this, settingsShown] {
        settingsShown();
        compute();
    });
    connect(m_compute, &QPushButton::clicked, this, &EmbeddingPanel::compute);
    connect(m_cancel, &QPushButton::clicked, m_service, &EmbeddingService::cancel);
    connect(m_colouring, &QComboBox::currentIndexChanged, this,
            [this] { m_view->setColouring(EmbeddingView::Colouring(m_colouring->currentData().toInt())); });
    connect(m_view, &EmbeddingView::selectionChanged, this, &EmbeddingPanel::showSelection);
    // A click in the gallery points the image out on the map.
    connect(m_galleryView, &QListView::clicked, this, [this](const QModelIndex& index) {
        if (const auto layout = m_service->current(); layout && index.isValid()) {
            const auto i = std::size_t(m_gallery->scoreAt(index.row()).index);
            if (i < layout->points.size())
                m_view->hoverAt(m_view->toWidget(layout->points[i]));
        }
    });
    connect(m_service, &EmbeddingService::progress, this, [this](const QString& text, int percent) {
        m_status->setStyleSheet({});
        m_status->setText(text);
        m_progress->setValue(percent);
    });
    connect(m_service, &EmbeddingService::ready, this, &EmbeddingPanel::showMap);
    connect(m_service, &EmbeddingService::failed, this, [this](const QString& message) {
        setBusy(false);
        m_status->setStyleSheet("color: #c62828;");
        m_status->setText(message);
    });
    connect(m_service, &EmbeddingService::cancelled, this, [this] {
        setBusy(false);
        m_status->setText(tr("Cancelled: press Compute to map again."));
    });
}

MapRequest EmbeddingPanel::request() const
{
    return {m_method->currentData().toBool(), m_perplexity->value(), m_iterations->value()};
}

void EmbeddingPanel::setRequest(const MapRequest& r)
{
    const QSignalBlocker quiet(m_method);
    m_method->setCurrentIndex(r.tsne ? 1 : 0);
    m_perplexity->setValue(r.perplexity);
    m_iterations->setValue(r.iterations);
    m_perplexity->setEnabled(r.tsne);
    m_iterations->setEnabled(r.tsne);
}

void EmbeddingPanel::setAnalysis(const std::shared_ptr<const Analysis>& analysis)
{
    if (analysis == m_analysis)
        return;
    m_analysis = analysis;
    m_gallery->setAnalysis(analysis.get());
    if (m_service->isBusy())
        m_service->cancel();
    m_view->clear(tr("Mapping the new analysis …"));
    if (isVisible())
        compute();
}

void EmbeddingPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    const auto shown = m_service->current();
    if (m_analysis && !m_service->isBusy() && (!shown || shown->analysis != m_analysis))
        compute();
}

void EmbeddingPanel::compute()
{
    if (!m_analysis)
        return;
    setBusy(true);
    m_service->compute(m_analysis, request());
}

void EmbeddingPanel::setBusy(bool busy)
{
    m_compute->setEnabled(!busy);
    m_cancel->setEnabled(busy);
    m_progress->setVisible(busy);
    if (busy)
        m_progress->setValue(0);
}

void EmbeddingPanel::showMap(const std::shared_ptr<const MapLayout>& layout)
{
    setBusy(false);
    const Analysis& a = *layout->analysis;
    showLayout(*m_view, layout);
    m_status->setStyleSheet({});
    m_status->setText(tr("%1 · %2 epoch %3 on the %4 split. Drag to lasso, click to pick, wheel to zoom, "
                         "right-drag to pan, double-click to fit.")
                          .arg(layout->description(), a.model)
                          .arg(a.epoch)
                          .arg(QString::fromStdString(a.evaluation.split)));
    Q_EMIT mapShown(layout);
}

void EmbeddingPanel::showSelection(const std::vector<int>& indices)
{
    auto filter = m_gallery->filter();
    filter.only = indices;
    m_gallery->setFilter(filter);
    if (indices.empty()) {
        m_selectionText->setText(tr("Drag a lasso around points, or click one, to see the images here."));
        return;
    }
    int errors = 0;
    for (int row = 0; row < m_gallery->rowCount(); ++row)
        errors += m_gallery->scoreAt(row).correct() ? 0 : 1;
    m_selectionText->setText(tr("%L1 images selected, %L2 of them errors").arg(m_gallery->rowCount()).arg(errors));
}

QString EmbeddingPanel::statusText() const
{
    return m_status->text();
}

} // namespace studio::ui
