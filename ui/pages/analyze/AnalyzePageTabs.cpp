// The Analyze page's tabs: confusion and errors (heat map, confused pairs, gallery, image detail)
// and calibration.
#include "AnalyzePage.h"

#include "ConfidenceHistogramView.h"
#include "ConfusionMatrixView.h"
#include "GalleryModel.h"
#include "ImageDetailPanel.h"
#include "ReliabilityDiagram.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace studio::ui {
namespace {

QComboBox* classFilter(const QString& any, QWidget* parent)
{
    auto* combo = new QComboBox(parent);
    combo->addItem(any, -1);
    for (int k = 0; k < 10; ++k)
        combo->addItem(QString::number(k), k);
    return combo;
}

QDoubleSpinBox* percentBox(double value, const QString& name, QWidget* parent)
{
    auto* box = new QDoubleSpinBox(parent);
    box->setObjectName(name);
    box->setRange(0, 100);
    box->setDecimals(0);
    box->setSingleStep(5);
    box->setSuffix(" %");
    box->setValue(value);
    return box;
}

} // namespace

QWidget* AnalyzePage::buildErrorsTab()
{
    auto* left = new QWidget;
    auto* leftLayout = new QVBoxLayout(left);
    m_normalisation = new QComboBox(left);
    m_normalisation->setObjectName("normalisation");
    m_normalisation->addItem(tr("Counts, % of the true class"), int(ConfusionMatrix::Normalization::ByTrue));
    m_normalisation->addItem(tr("Counts, % of the predicted class"), int(ConfusionMatrix::Normalization::ByPredicted));
    m_normalisation->addItem(tr("Counts, % of all images"), int(ConfusionMatrix::Normalization::All));
    m_normalisation->addItem(tr("Counts only"), int(ConfusionMatrix::Normalization::None));
    auto* exportButton = new QToolButton(left);
    exportButton->setObjectName("exportConfusion");
    exportButton->setText(tr("Export…"));
    exportButton->setToolTip(tr("Save the confusion matrix as a PNG or SVG picture or a CSV table"));
    auto* matrixBar = new QHBoxLayout;
    matrixBar->addWidget(m_normalisation, 1);
    matrixBar->addWidget(exportButton);
    m_confusion = new ConfusionMatrixView(left);
    m_pairs = new QListWidget(left);
    m_pairs->setObjectName("confusedPairs");
    m_pairs->setMaximumHeight(fontMetrics().height() * 8);
    leftLayout->addLayout(matrixBar);
    leftLayout->addWidget(m_confusion, 1);
    leftLayout->addWidget(new QLabel(tr("Most confused pairs (click to see them)"), left));
    leftLayout->addWidget(m_pairs);

    auto* right = new QWidget;
    auto* rightLayout = new QVBoxLayout(right);
    auto* filters = new QHBoxLayout;
    m_trueFilter = classFilter(tr("any true"), right);
    m_trueFilter->setObjectName("trueFilter");
    m_predictedFilter = classFilter(tr("any predicted"), right);
    m_predictedFilter->setObjectName("predictedFilter");
    m_errorsOnly = new QCheckBox(tr("Errors only"), right);
    m_errorsOnly->setObjectName("errorsOnly");
    m_errorsOnly->setChecked(true);
    m_order = new QComboBox(right);
    m_order->setObjectName("galleryOrder");
    m_order->addItem(tr("Most confident first"), int(ImageOrder::Confidence));
    m_order->addItem(tr("Highest loss first"), int(ImageOrder::Loss));
    m_order->addItem(tr("Index"), int(ImageOrder::Index));
    m_minConfidence = percentBox(0, "minConfidence", right);
    m_maxConfidence = percentBox(100, "maxConfidence", right);
    m_minConfidence->setToolTip(tr("Show images whose top probability is at least this"));
    m_maxConfidence->setToolTip(tr("Show images whose top probability is at most this"));
    m_count = new QLabel(right);
    m_count->setObjectName("galleryCount");
    filters->addWidget(m_trueFilter);
    filters->addWidget(m_predictedFilter);
    filters->addWidget(m_errorsOnly);
    filters->addWidget(m_order);
    filters->addWidget(new QLabel(tr("confidence"), right));
    filters->addWidget(m_minConfidence);
    filters->addWidget(new QLabel(tr("to"), right));
    filters->addWidget(m_maxConfidence);
    filters->addStretch(1);
    filters->addWidget(m_count);
    m_galleryView = new QListView(right);
    m_galleryView->setObjectName("gallery");
    m_galleryView->setModel(m_gallery);
    m_galleryView->setViewMode(QListView::IconMode);
    m_galleryView->setUniformItemSizes(true); // virtualised: fluid with 10,000 items
    m_galleryView->setResizeMode(QListView::Adjust);
    m_galleryView->setMovement(QListView::Static);
    m_galleryView->setIconSize(QSize(56, 56));
    m_galleryView->setGridSize(QSize(104, 86));
    m_galleryView->setLayoutMode(QListView::Batched);

    m_detail = new ImageDetailPanel(right);
    rightLayout->addLayout(filters);
    rightLayout->addWidget(m_galleryView, 1);
    rightLayout->addWidget(m_detail);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    connect(m_normalisation, &QComboBox::currentIndexChanged, this, [this] {
        m_confusion->setNormalization(ConfusionMatrix::Normalization(m_normalisation->currentData().toInt()));
    });
    connect(m_confusion, &ConfusionMatrixView::cellClicked, this, &AnalyzePage::showCell);
    connect(m_pairs, &QListWidget::itemClicked, this, [this](QListWidgetItem* item) {
        showCell(item->data(Qt::UserRole).toInt(), item->data(Qt::UserRole + 1).toInt());
    });
    for (auto* combo : {m_trueFilter, m_predictedFilter})
        connect(combo, &QComboBox::currentIndexChanged, this, &AnalyzePage::applyFilter);
    connect(m_errorsOnly, &QCheckBox::toggled, this, &AnalyzePage::applyFilter);
    for (auto* box : {m_minConfidence, m_maxConfidence})
        connect(box, &QDoubleSpinBox::valueChanged, this, &AnalyzePage::applyFilter);
    connect(exportButton, &QToolButton::clicked, this, &AnalyzePage::chooseConfusionExport);
    connect(m_order, &QComboBox::currentIndexChanged, this,
            [this] { m_gallery->setOrder(ImageOrder(m_order->currentData().toInt())); });
    connect(m_galleryView->selectionModel(), &QItemSelectionModel::currentChanged, this, &AnalyzePage::selectImage);
    connect(m_gallery, &QAbstractItemModel::modelReset, this,
            [this] { m_count->setText(tr("%L1 images").arg(m_gallery->rowCount())); });
    connect(m_detail, &ImageDetailPanel::heatMapWanted, m_service, &AnalysisService::explain);
    connect(m_detail, &ImageDetailPanel::openInCanvas, this, &AnalyzePage::openInCanvas);
    connect(m_detail, &ImageDetailPanel::robustnessWanted, this, &AnalyzePage::robustnessWanted);
    return splitter;
}

QWidget* AnalyzePage::buildCalibrationTab()
{
    auto* page = new QWidget;
    m_reliability = new ReliabilityDiagram(page);
    m_histogram = new ConfidenceHistogramView(page);
    m_temperature = new QCheckBox(tr("Show after temperature scaling (fitted on the validation split)"), page);
    m_temperature->setObjectName("temperatureScaling");
    auto* charts = new QHBoxLayout;
    charts->addWidget(m_reliability, 1);
    charts->addWidget(m_histogram, 1);
    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_temperature);
    layout->addLayout(charts, 1);
    connect(m_temperature, &QCheckBox::toggled, m_reliability, &ReliabilityDiagram::setShowCalibrated);
    return page;
}

} // namespace studio::ui
