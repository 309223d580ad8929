#include "TrainingCharts.h"

#include "ChartColors.h"
#include "ChartToolbar.h"
#include "ClassAccuracyStrip.h"
#include "RunHistory.h"

#include "training/LrSchedule.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QToolButton>

#include <cmath>

namespace studio::ui {
namespace {

QColor faint(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

ChartPoint at(double step, double epoch, double seconds, double value)
{
    return {step, epoch, seconds, value};
}

} // namespace

TrainingCharts::TrainingCharts(QWidget* parent)
    : QWidget(parent), m_loss(new LiveChart(tr("Loss"), tr("cross-entropy"), this)),
      m_accuracy(new LiveChart(tr("Accuracy"), tr("accuracy (%)"), this)),
      m_lr(new LiveChart(tr("Learning rate"), tr("learning rate"), this)),
      m_gap(new LiveChart(tr("Generalisation gap"), tr("train − val accuracy (points)"), this)),
      m_classes(new LiveChart(tr("Validation accuracy by class"), tr("accuracy (%)"), this)),
      m_strip(new ClassAccuracyStrip(this)), m_repaint(new QTimer(this))
{
    m_loss->setObjectName("lossChart");
    m_accuracy->setObjectName("accuracyChart");
    m_lr->setObjectName("lrChart");
    m_gap->setObjectName("gapChart");
    m_classes->setObjectName("classChart");
    m_strip->setObjectName("classStrip");
    m_classes->setValueBounds(0, 100);
    m_classes->setMinimumWidth(160);
    m_loss->setValueBounds(0, std::nan(""));
    m_accuracy->setValueBounds(0, 100);
    m_lr->setValueBounds(0, std::nan(""));
    m_batchLoss = m_loss->addSeries(tr("batch"), {faint(colors::train, 70), 1.0});
    m_smoothLoss = m_loss->addSeries(tr("smoothed"), {colors::train, 2.0, Qt::SolidLine, true});
    m_trainLoss = m_loss->addSeries(tr("train"), {colors::train.darker(130), 2.0, Qt::DashLine, false, true});
    m_valLoss = m_loss->addSeries(tr("validation"), {colors::validation, 2.5, Qt::SolidLine, false, true});
    const LiveChart::SeriesStyle averaged{colors::validation.darker(160), 2.5, Qt::DotLine, false, true, true};
    m_emaValLoss = m_loss->addSeries(tr("EMA val"), averaged);
    m_batchAccuracy = m_accuracy->addSeries(tr("batch"), {faint(colors::train, 110), 1.5, Qt::SolidLine, true});
    m_trainAccuracy = m_accuracy->addSeries(tr("train"), {colors::train.darker(130), 2.0, Qt::DashLine, false, true});
    m_valAccuracy = m_accuracy->addSeries(tr("validation"), {colors::validation, 2.5, Qt::SolidLine, false, true});
    m_emaValAccuracy = m_accuracy->addSeries(tr("EMA val"), averaged);
    m_plannedLr = m_lr->addSeries(tr("planned"), {faint(Qt::gray, 200), 1.5, Qt::DashLine});
    m_actualLr = m_lr->addSeries(tr("actual"), {colors::rate, 2.0});
    m_gapSeries = m_gap->addSeries(tr("train − validation"), {colors::gap, 2.0, Qt::SolidLine, false, true});

    // beside the accuracy chart: each class's validation accuracy, its curves on demand
    auto* classes = new QWidget(this);
    auto* title = new QLabel(tr("<b>Validation accuracy by class</b>"), classes);
    auto* curves = new QToolButton(classes);
    curves->setObjectName("classCurvesButton");
    curves->setText(tr("Curves"));
    curves->setCheckable(true);
    curves->setToolTip(tr("Show each class's validation accuracy as a curve"));
    connect(curves, &QToolButton::toggled, this, &TrainingCharts::showClassCurves);
    title->setWordWrap(true); // the column stays narrow on a small screen
    auto* header = new QHBoxLayout;
    header->addWidget(title, 1);
    header->addWidget(curves, 0, Qt::AlignTop);
    m_classColumn = new QVBoxLayout(classes);
    m_classColumn->setContentsMargins(0, 0, 0, 0);
    m_classColumn->addLayout(header);
    m_classColumn->addWidget(m_strip);
    m_classColumn->addWidget(m_classes, 1);
    m_classColumn->addStretch(1);
    m_classes->hide();

    auto* grid = new QGridLayout;
    grid->setSpacing(6);
    grid->addWidget(m_loss, 0, 0);
    grid->addWidget(m_accuracy, 0, 1);
    grid->addWidget(classes, 0, 2, 2, 1);
    grid->addWidget(m_lr, 1, 0);
    grid->addWidget(m_gap, 1, 1);
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 3);
    grid->setColumnStretch(2, 0); // as narrow as the strip wants: the charts keep the width
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_toolbar = new ChartToolbar(charts(), {m_loss, m_lr}, this);
    layout->addWidget(m_toolbar);
    layout->addLayout(grid, 1);

    // 15 Hz: fluid to the eye, and every frame drawn is CPU taken from training on two cores.
    m_repaint->setInterval(66);
    connect(m_repaint, &QTimer::timeout, this, &TrainingCharts::refresh);
    m_repaint->start();
    setSmoothing(0.6);
}

void TrainingCharts::setSmoothing(double weight)
{
    m_toolbar->setSmoothing(weight);
}

void TrainingCharts::setLogScale(bool on)
{
    m_toolbar->setLogScale(on);
}

void TrainingCharts::setXAxis(XAxis axis)
{
    m_toolbar->setXAxis(axis);
}

void TrainingCharts::showPlannedSchedule(const TrainConfig& config, qint64 batchesPerEpoch)
{
    constexpr qint64 kMaxPoints = 20000;
    m_lr->clearSeries(m_plannedLr);
    const qint64 perEpoch = std::max<qint64>(1, batchesPerEpoch);
    const qint64 total = perEpoch * config.numEpochs;
    const qint64 stride = std::max<qint64>(1, (total + kMaxPoints - 1) / kMaxPoints);
    for (qint64 step = 0; step < total; step += stride)
        m_lr->append(m_plannedLr, at(double(step), double(step) / double(perEpoch), std::nan(""),
                                     learningRateAt(config, step, perEpoch)));
    for (auto* chart : charts())
        chart->setExtent(double(total), config.numEpochs);
}

void TrainingCharts::showClassCurves(bool on)
{
    m_classes->setVisible(on);
    m_classColumn->setStretch(3, on ? 0 : 1); // the space below the strip goes to the curves
    if (auto* button = findChild<QToolButton*>("classCurvesButton"))
        button->setChecked(on);
}

void TrainingCharts::setClassNames(const QStringList& names)
{
    m_strip->setClassNames(names);
    if (names == m_classNames)
        return;
    m_classNames = names;
    m_classes->removeAllSeries();
    for (int k = 0; k < names.size(); ++k)
        m_classes->addSeries(names[k], {colors::category(k), 1.5, Qt::SolidLine, false, true});
}

void TrainingCharts::beginRun(const RunStarted& run)
{
    setClassNames(run.classNames);
    if (run.runId != m_runId) {
        m_strip->clear();
        for (auto* chart : charts()) {
            chart->clearAll();
            chart->setExtent(double(run.batchesPerEpoch) * run.numEpochs, run.numEpochs);
        }
        m_lr->clearSeries(m_plannedLr); // the page redraws the run's schedule
        m_bestValue = 0;
    }
    m_runId = run.runId;
    m_batchesPerEpoch = std::max<qint64>(1, run.batchesPerEpoch);
}

void TrainingCharts::showHistory(const RunHistory& history)
{
    m_runId = 0; // whatever is on show, start over
    beginRun(history.start);
    for (const auto& b : history.batches)
        addBatch(b);
    for (const auto& e : history.epochs)
        addEpoch(e);
}

void TrainingCharts::addBatch(const BatchRecord& u)
{
    const double epoch = (u.epoch - 1) + double(u.batch + 1) / double(m_batchesPerEpoch);
    const double step = double(u.step + 1);
    m_loss->append(m_batchLoss, at(step, epoch, u.runSeconds, u.loss));
    m_loss->append(m_smoothLoss, at(step, epoch, u.runSeconds, u.loss));
    m_accuracy->append(m_batchAccuracy, at(step, epoch, u.runSeconds, u.accuracy * 100));
    m_lr->append(m_actualLr, at(double(u.step), epoch, u.runSeconds, u.lr));
}

void TrainingCharts::addEpoch(const EpochRecord& u)
{
    const double step = double(u.step);
    m_loss->append(m_trainLoss, at(step, u.epoch, u.runSeconds, u.trainLoss));
    m_accuracy->append(m_trainAccuracy, at(step, u.epoch, u.runSeconds, u.trainAccuracy * 100));
    if (std::isfinite(u.valAccuracy)) {
        m_loss->append(m_valLoss, at(step, u.epoch, u.runSeconds, u.valLoss));
        m_accuracy->append(m_valAccuracy, at(step, u.epoch, u.runSeconds, u.valAccuracy * 100));
        m_gap->append(m_gapSeries, at(step, u.epoch, u.runSeconds, (u.trainAccuracy - u.valAccuracy) * 100));
    }
    if (std::isfinite(u.emaValAccuracy)) {
        m_loss->append(m_emaValLoss, at(step, u.epoch, u.runSeconds, u.emaValLoss));
        m_accuracy->append(m_emaValAccuracy, at(step, u.epoch, u.runSeconds, u.emaValAccuracy * 100));
    }
    m_strip->addEpoch(u.epoch, u.valClassAccuracy);
    for (int k = 0; k < int(u.valClassAccuracy.size()) && k < m_classes->seriesCount(); ++k)
        if (std::isfinite(u.valClassAccuracy[std::size_t(k)]))
            m_classes->append(k, at(step, u.epoch, u.runSeconds, u.valClassAccuracy[std::size_t(k)] * 100));
    if (u.isBest && std::isfinite(u.keptValAccuracy())) { // on the curve of the weights the run keeps
        const QString label = tr("best epoch");
        m_accuracy->setMarker(label, at(step, u.epoch, u.runSeconds, u.keptValAccuracy() * 100), false);
        m_loss->setMarker(label, at(step, u.epoch, u.runSeconds, u.keptValLoss()), false);
    }
}

void TrainingCharts::finishRun(const RunFinished& result)
{
    if (result.reason == FinishReason::Completed)
        return;
    const double epoch = double(result.step) / double(m_batchesPerEpoch);
    const QString label = QString::fromStdString(nameOf(result.reason));
    for (auto* chart : charts())
        chart->setMarker(label, at(double(result.step), epoch, result.seconds, 0), true);
}

void TrainingCharts::refresh()
{
    for (auto* chart : charts())
        chart->refresh();
}

} // namespace studio::ui
