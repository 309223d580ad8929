#include "AnalyzePage.h"

#include "ConfidenceHistogramView.h"
#include "ConfusionMatrixView.h"
#include "DataSource.h"
#include "EmbeddingPanel.h"
#include "EpochReplayBar.h"
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
AnalyzePage::AnalyzePage(DataSource* data, RunsService* runs, QWidget* parent)
    : QWidget(parent), m_data(data), m_runsService(runs), m_service(new AnalysisService(this)),
      m_runs(new QComboBox(this)), m_split(new QComboBox(this)), m_run(new QPushButton(tr("Analyze"), this)),
      m_status(new QLabel(this)), m_summary(new QLabel(this)), m_replay(new EpochReplayBar(this)),
      m_gallery(new GalleryModel(this)), m_perClass(new PerClassTable(this)), m_embedding(new EmbeddingPanel(this))
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
    tabs->addTab(m_embedding, tr("Embedding map"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addLayout(top);
    layout->addWidget(m_summary);
    layout->addWidget(m_replay);
    layout->addWidget(tabs, 1);
    connect(m_replay, &EpochReplayBar::indexChanged, this, &AnalyzePage::showEpoch);

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
    if (const int at = m_split->findData(split); at >= 0)
        m_split->setCurrentIndex(at); // the chooser shows the split analysed
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
    m_gallery->setAnalysis(a); // first: the analysis they showed is gone
    m_detail->show(a, -1);
    m_embedding->setAnalysis(m_service->shared());
    m_status->setText(tr("%1 split of %2, %L3 images")
                          .arg(QString::fromStdString(a->evaluation.split), a->data)
                          .arg(a->evaluation.scores.size()));
    if (!a->replayProblem.isEmpty())
        m_status->setText(m_status->text() + " · " + a->replayProblem);
    // The history orders are offered for runs with a replay.
    const QSignalBlocker quiet(m_order);
    for (int order : {int(ImageOrder::MostForgotten), int(ImageOrder::LearnedLast)})
        if (const int at = m_order->findData(order); at >= 0)
            m_order->removeItem(at);
    if (!a->replay.empty()) {
        m_order->addItem(tr("Most forgotten first"), int(ImageOrder::MostForgotten));
        m_order->addItem(tr("Learned last first"), int(ImageOrder::LearnedLast));
    }
    m_gallery->setOrder(ImageOrder(m_order->currentData().toInt()));
    std::vector<int> epochs;
    int start = int(a->replay.size()) - 1;
    for (const auto& snapshot : a->replay) {
        if (snapshot.epoch == a->epoch)
            start = int(epochs.size());
        epochs.push_back(snapshot.epoch);
    }
    m_replay->setEpochs(epochs, std::max(0, start));
    m_service->showEpoch(-1);
    if (!epochs.empty() && epochs[std::size_t(start)] != a->epoch)
        m_service->showEpoch(start);
    showEvaluation(a);
}

void AnalyzePage::showEpoch(int index)
{
    const Analysis* a = m_service->current();
    if (!a || index < 0 || index >= int(a->replay.size()))
        return;
    // The checkpoint's own epoch shows its exact scores; the others the replay's.
    m_service->showEpoch(a->replay[std::size_t(index)].epoch == a->epoch ? -1 : index);
    showEvaluation(a, true);
}

void AnalyzePage::showEvaluation(const Analysis* a, bool fade)
{
    const auto& e = a->shownEvaluation();
    const QString epoch = a->shownSnapshot < 0 ? tr("epoch %1").arg(a->epoch)
                                               : tr("epoch %1 replayed (the checkpoint is epoch %2)")
                                                     .arg(a->replay[std::size_t(a->shownSnapshot)].epoch)
                                                     .arg(a->epoch);
    m_summary->setText(tr("<b>accuracy %1 %</b> · loss %2 · <b>%L3 errors</b> (%L4 above 90 % confidence) · ECE %5 · "
                          "macro F1 %6 · %7, %8")
                           .arg(e.accuracy * 100, 0, 'f', 2)
                           .arg(e.loss, 0, 'f', 4)
                           .arg(qlonglong(e.errors.size()))
                           .arg(qlonglong(e.highConfidenceErrors))
                           .arg(e.calibration.ece, 0, 'f', 4)
                           .arg(e.report.macro.f1, 0, 'f', 4)
                           .arg(a->model, epoch));
    m_confusion->setMatrix(e.confusion, a->classNames, fade);
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
