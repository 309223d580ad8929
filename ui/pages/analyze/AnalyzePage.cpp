#include "AnalyzePage.h"

#include "ConfidenceHistogramView.h"
#include "ConfusionMatrixView.h"
#include "DataSource.h"
#include "GalleryModel.h"
#include "ImageDetailPanel.h"
#include "PerClassTable.h"
#include "ReliabilityDiagram.h"
#include "RunsService.h"
#include "WidgetExport.h"

#include "data/DatasetSearch.h"
#include "evaluation/Evaluation.h"

#include "util/StudioError.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
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

AnalyzePage::AnalyzePage(DataSource* data, RunsService* runs, QWidget* parent)
    : QWidget(parent), m_data(data), m_runsService(runs), m_service(new AnalysisService(this)),
      m_runs(new QComboBox(this)), m_split(new QComboBox(this)), m_run(new QPushButton(tr("Analyze"), this)),
      m_status(new QLabel(this)), m_summary(new QLabel(this)), m_gallery(new GalleryModel(this)),
      m_perClass(new PerClassTable(this))
{
    m_runs->setObjectName("analyzeRun");
    m_runs->setMinimumWidth(320);
    m_split->setObjectName("analyzeSplit");
    m_split->addItem(tr("test split"), "test");
    m_split->addItem(tr("validation split"), "validation");
    m_run->setObjectName("analyzeButton");
    m_status->setObjectName("analyzeStatus");
    m_summary->setObjectName("analysisSummary");
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setStyleSheet("QLabel { padding: 6px; border: 1px solid palette(mid); border-radius: 4px; }");

    auto* top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model"), this));
    top->addWidget(m_runs, 1);
    top->addWidget(m_split);
    top->addWidget(m_run);
    top->addWidget(m_status, 1);

    auto* tabs = new QTabWidget(this);
    tabs->setObjectName("analyzeTabs");
    tabs->addTab(buildErrorsTab(), tr("Confusion and errors"));
    tabs->addTab(m_perClass, tr("Per class"));
    tabs->addTab(buildCalibrationTab(), tr("Calibration"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(tabs, 1);

    connect(m_run, &QPushButton::clicked, this, [this] {
        if (!m_runs->currentData().toString().isEmpty())
            analyse(m_runs->currentData().toString(), m_split->currentData().toString());
    });
    connect(m_service, &AnalysisService::ready, this, &AnalyzePage::showAnalysis);
    connect(m_service, &AnalysisService::failed, this, [this](const QString& message) {
        m_status->setText(message);
        m_status->setStyleSheet("color: #c62828;");
        m_run->setEnabled(true);
    });
    connect(m_service, &AnalysisService::explained, this, [this](const HeatMap& map) { m_detail->setHeatMap(map); });
    m_summary->setText(tr("Train a model on the Train page: it is analysed here as soon as it has a checkpoint."));
}

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

void AnalyzePage::showEvent(QShowEvent* event)
{
    refreshRuns();
    QWidget::showEvent(event);
    // A chosen model whose analysis is not on show is analysed at once (it takes about a second).
    const QString chosen = m_runs->currentData().toString();
    const auto* shown = m_service->current();
    if (!chosen.isEmpty() && !m_service->isBusy() && (!shown || shown->checkpoint != chosen))
        analyse(chosen, m_split->currentData().toString());
}

void AnalyzePage::refreshRuns()
{
    const QString current = m_runs->currentData().toString();
    m_runs->clear();
    m_runsService->refresh();
    for (const auto& choice : m_runsService->checkpoints())
        m_runs->addItem(choice.label, choice.path);
    if (!m_runsService->error().isEmpty())
        m_status->setText(m_runsService->error());
    const int index = m_runs->findData(current);
    if (index >= 0)
        m_runs->setCurrentIndex(index);
    m_run->setEnabled(m_runs->count() > 0 && !m_service->isBusy());
    if (m_runs->count() == 0)
        m_status->setText(tr("No trained model yet: train one on the Train page."));
}

void AnalyzePage::analyse(const QString& checkpoint, const QString& split)
{
    int index = m_runs->findData(checkpoint); // the chooser shows the model analysed
    if (index < 0) {
        m_runs->addItem(QDir::toNativeSeparators(checkpoint), checkpoint);
        index = m_runs->count() - 1;
    }
    m_runs->setCurrentIndex(index);
    m_status->setStyleSheet({});
    m_status->setText(tr("Analysing on the %1 split of the data the model was trained on …").arg(split));
    m_run->setEnabled(false);
    m_service->analyse(checkpoint, m_data->runDataSearch(), split);
}

QString AnalyzePage::summaryText() const
{
    return m_summary->text();
}

void AnalyzePage::showAnalysis(const Analysis* a)
{
    m_run->setEnabled(true);
    const auto& e = a->evaluation;
    m_status->setText(
        tr("%1 split of %2, %L3 images").arg(QString::fromStdString(e.split), a->data).arg(e.scores.size()));
    m_summary->setText(tr("<b>accuracy %1 %</b> · loss %2 · <b>%L3 errors</b> (%L4 above 90 % confidence) · ECE %5 · "
                          "macro F1 %6 · %7, epoch %8")
                           .arg(e.accuracy * 100, 0, 'f', 2)
                           .arg(e.loss, 0, 'f', 4)
                           .arg(qlonglong(e.errors.size()))
                           .arg(qlonglong(e.highConfidenceErrors))
                           .arg(e.calibration.ece, 0, 'f', 4)
                           .arg(e.report.macro.f1, 0, 'f', 4)
                           .arg(a->model)
                           .arg(a->epoch));
    m_confusion->setMatrix(e.confusion, a->classNames);
    for (auto* filter : {m_trueFilter, m_predictedFilter})
        for (int k = 0; k + 1 < filter->count(); ++k)
            filter->setItemText(k + 1, a->className(k));
    m_pairs->clear();
    for (const auto& p : e.confusion.mostConfused(10)) {
        auto* item = new QListWidgetItem(tr("%1 taken for %2: %L3 images (%4 % of the %1 images)")
                                             .arg(a->className(p.trueClass), a->className(p.predictedClass))
                                             .arg(p.count)
                                             .arg(p.rate * 100, 0, 'f', 2),
                                         m_pairs);
        item->setData(Qt::UserRole, p.trueClass);
        item->setData(Qt::UserRole + 1, p.predictedClass);
    }
    m_gallery->setAnalysis(a);
    applyFilter();

    m_perClass->setReport(e.report, a->classNames);

    m_reliability->setCalibration(e.calibration, e.temperatureFitted ? std::optional(e.calibrated) : std::nullopt,
                                  e.temperature);
    m_temperature->setEnabled(e.temperatureFitted);
    m_temperature->setText(e.temperatureFitted
                               ? tr("Show after temperature scaling (T = %1, fitted on the validation split)")
                                     .arg(e.temperature, 0, 'f', 3)
                               : tr("Temperature scaling needs the run's validation split"));
    m_histogram->setHistogram(e.histogram);
}

void AnalyzePage::showCell(int trueClass, int predictedClass)
{
    const QSignalBlocker a(m_trueFilter), b(m_predictedFilter), c(m_errorsOnly);
    m_trueFilter->setCurrentIndex(m_trueFilter->findData(trueClass));
    m_predictedFilter->setCurrentIndex(m_predictedFilter->findData(predictedClass));
    m_errorsOnly->setChecked(trueClass != predictedClass || trueClass < 0);
    applyFilter();
}

void AnalyzePage::applyFilter()
{
    GalleryModel::Filter f;
    f.trueClass = m_trueFilter->currentData().toInt();
    f.predicted = m_predictedFilter->currentData().toInt();
    f.errorsOnly = m_errorsOnly->isChecked();
    f.minConfidence = m_minConfidence->value() / 100.0;
    f.maxConfidence = m_maxConfidence->value() / 100.0;
    m_gallery->setFilter(f);
    if (m_gallery->rowCount() > 0)
        m_galleryView->setCurrentIndex(m_gallery->index(0));
}

void AnalyzePage::setConfidenceRange(double low, double high)
{
    const QSignalBlocker a(m_minConfidence), b(m_maxConfidence);
    m_minConfidence->setValue(low * 100);
    m_maxConfidence->setValue(high * 100);
    applyFilter();
}

QString AnalyzePage::exportConfusion(const QString& path)
{
    const Analysis* a = m_service->current();
    if (!a)
        return tr("Nothing to export yet: analyse a model first.");
    if (QFileInfo(path).suffix().compare("csv", Qt::CaseInsensitive) != 0)
        return exportWidget(m_confusion, path);
    try {
        writeConfusionCsv(path, a->evaluation.confusion);
    } catch (const StudioError& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

void AnalyzePage::chooseConfusionExport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export confusion matrix"), "confusion.png",
                                                      tr("PNG image (*.png);;SVG drawing (*.svg);;CSV table (*.csv)"));
    if (path.isEmpty())
        return;
    if (const QString error = exportConfusion(path); !error.isEmpty())
        QMessageBox::warning(this, tr("Export confusion matrix"), error);
}

void AnalyzePage::selectImage(const QModelIndex& index)
{
    m_detail->show(m_service->current(), index.isValid() ? m_gallery->scoreAt(index.row()).index : -1);
}

} // namespace studio::ui
