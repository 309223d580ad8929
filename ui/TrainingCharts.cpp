#include "TrainingCharts.h"

#include "ChartColors.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSlider>
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
      m_repaint(new QTimer(this))
{
    m_loss->setObjectName("lossChart");
    m_accuracy->setObjectName("accuracyChart");
    m_lr->setObjectName("lrChart");
    m_gap->setObjectName("gapChart");
    m_loss->setValueBounds(0, std::nan(""));
    m_accuracy->setValueBounds(0, 100);
    m_lr->setValueBounds(0, std::nan(""));
    m_batchLoss = m_loss->addSeries(tr("batch"), {faint(colors::train, 70), 1.0});
    m_smoothLoss = m_loss->addSeries(tr("batch (smoothed)"), {colors::train, 2.0, Qt::SolidLine, true});
    m_trainLoss = m_loss->addSeries(tr("train (epoch)"), {colors::train.darker(130), 2.0, Qt::DashLine, false, true});
    m_valLoss = m_loss->addSeries(tr("validation"), {colors::validation, 2.5, Qt::SolidLine, false, true});
    m_batchAccuracy =
        m_accuracy->addSeries(tr("batch (smoothed)"), {faint(colors::train, 110), 1.5, Qt::SolidLine, true});
    m_trainAccuracy =
        m_accuracy->addSeries(tr("train (epoch)"), {colors::train.darker(130), 2.0, Qt::DashLine, false, true});
    m_valAccuracy = m_accuracy->addSeries(tr("validation"), {colors::validation, 2.5, Qt::SolidLine, false, true});
    m_plannedLr = m_lr->addSeries(tr("planned"), {faint(Qt::gray, 200), 1.5, Qt::DashLine});
    m_actualLr = m_lr->addSeries(tr("actual"), {colors::rate, 2.0});
    m_gapSeries = m_gap->addSeries(tr("train − validation"), {colors::gap, 2.0, Qt::SolidLine, false, true});

    auto* grid = new QGridLayout;
    grid->setSpacing(6);
    grid->addWidget(m_loss, 0, 0);
    grid->addWidget(m_accuracy, 0, 1);
    grid->addWidget(m_lr, 1, 0);
    grid->addWidget(m_gap, 1, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildToolbar());
    layout->addLayout(grid, 1);

    for (auto* chart : charts()) {
        chart->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(chart, &QWidget::customContextMenuRequested, this, [this, chart](const QPoint& pos) {
            QMenu menu;
            menu.addAction(tr("Export “%1”…").arg(chart->title()), this, [this, chart] { exportChart(chart); });
            menu.exec(chart->mapToGlobal(pos));
        });
    }
    // 15 Hz: fluid to the eye, and every frame drawn is CPU taken from training on two cores.
    m_repaint->setInterval(66);
    connect(m_repaint, &QTimer::timeout, this, &TrainingCharts::refresh);
    m_repaint->start();
    setSmoothing(0.6);
}

QWidget* TrainingCharts::buildToolbar()
{
    auto* bar = new QWidget(this);
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_smoothing = new QSlider(Qt::Horizontal, bar);
    m_smoothing->setObjectName("smoothing");
    m_smoothing->setRange(0, 99);
    m_smoothing->setValue(60);
    m_smoothing->setMaximumWidth(160);
    m_smoothing->setToolTip(tr("Exponential moving average of the batch curves (TensorBoard's smoothing)"));
    m_smoothingValue = new QLabel("0.60", bar);
    m_smoothingValue->setMinimumWidth(fontMetrics().horizontalAdvance("0.00") + 4);
    m_logScale = new QCheckBox(tr("Log scale"), bar);
    m_logScale->setObjectName("logScale");
    m_logScale->setToolTip(tr("Logarithmic value axis for the loss and learning-rate charts"));
    m_xAxis = new QComboBox(bar);
    m_xAxis->setObjectName("xAxis");
    m_xAxis->addItem(tr("Step"), int(XAxis::Step));
    m_xAxis->addItem(tr("Epoch"), int(XAxis::Epoch));
    m_xAxis->addItem(tr("Wall time"), int(XAxis::WallTime));
    auto* exportButton = new QToolButton(bar);
    exportButton->setObjectName("exportCharts");
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    for (auto* chart : charts())
        menu->addAction(tr("%1…").arg(chart->title()), this, [this, chart] { exportChart(chart); });
    exportButton->setMenu(menu);

    row->addWidget(new QLabel(tr("Smoothing"), bar));
    row->addWidget(m_smoothing);
    row->addWidget(m_smoothingValue);
    row->addSpacing(12);
    row->addWidget(m_logScale);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("X axis"), bar));
    row->addWidget(m_xAxis);
    row->addStretch(1);
    row->addWidget(exportButton);

    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });
    connect(m_logScale, &QCheckBox::toggled, this, &TrainingCharts::setLogScale);
    connect(m_xAxis, &QComboBox::currentIndexChanged, this,
            [this] { setXAxis(XAxis(m_xAxis->currentData().toInt())); });
    return bar;
}

void TrainingCharts::setSmoothing(double weight)
{
    if (m_smoothing->value() != int(std::lround(weight * 100)))
        m_smoothing->setValue(int(std::lround(weight * 100)));
    m_smoothingValue->setText(QString::number(weight, 'f', 2));
    for (auto* chart : charts())
        chart->setSmoothing(weight);
}

void TrainingCharts::setLogScale(bool on)
{
    m_logScale->setChecked(on);
    m_loss->setLogScale(on);
    m_lr->setLogScale(on);
}

void TrainingCharts::setXAxis(XAxis axis)
{
    m_xAxis->setCurrentIndex(m_xAxis->findData(int(axis)));
    for (auto* chart : charts())
        chart->setXAxis(axis);
}

void TrainingCharts::setPlannedSchedule(const std::vector<double>& lr, qint64 stride, qint64 batchesPerEpoch,
                                        int numEpochs)
{
    m_lr->clearSeries(m_plannedLr);
    const double perEpoch = double(std::max<qint64>(1, batchesPerEpoch));
    for (std::size_t i = 0; i < lr.size(); ++i) {
        const double step = double(i) * double(stride);
        m_lr->append(m_plannedLr, at(step, step / perEpoch, std::nan(""), lr[i]));
    }
    for (auto* chart : charts())
        chart->setExtent(double(batchesPerEpoch) * numEpochs, numEpochs);
}

void TrainingCharts::beginRun(const RunStarted& run)
{
    if (run.runId != m_runId) {
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

void TrainingCharts::addBatch(const BatchUpdate& u)
{
    const double epoch = (u.epoch - 1) + double(u.batch + 1) / double(m_batchesPerEpoch);
    const double step = double(u.step + 1);
    m_loss->append(m_batchLoss, at(step, epoch, u.seconds, u.loss));
    m_loss->append(m_smoothLoss, at(step, epoch, u.seconds, u.loss));
    m_accuracy->append(m_batchAccuracy, at(step, epoch, u.seconds, u.accuracy * 100));
    m_lr->append(m_actualLr, at(double(u.step), epoch, u.seconds, u.lr));
}

void TrainingCharts::addEpoch(const EpochUpdate& u)
{
    const double step = double(u.step);
    m_loss->append(m_trainLoss, at(step, u.epoch, u.seconds, u.trainLoss));
    m_accuracy->append(m_trainAccuracy, at(step, u.epoch, u.seconds, u.trainAccuracy * 100));
    if (std::isfinite(u.valAccuracy)) {
        m_loss->append(m_valLoss, at(step, u.epoch, u.seconds, u.valLoss));
        m_accuracy->append(m_valAccuracy, at(step, u.epoch, u.seconds, u.valAccuracy * 100));
        m_gap->append(m_gapSeries, at(step, u.epoch, u.seconds, (u.trainAccuracy - u.valAccuracy) * 100));
    }
    if (u.isBest && std::isfinite(u.valAccuracy)) {
        const QString label = tr("best epoch");
        m_accuracy->setMarker(label, at(step, u.epoch, u.seconds, u.valAccuracy * 100), false);
        m_loss->setMarker(label, at(step, u.epoch, u.seconds, u.valLoss), false);
    }
}

void TrainingCharts::finishRun(const RunFinished& result)
{
    if (result.reason == "completed")
        return;
    const double epoch = double(result.step) / double(m_batchesPerEpoch);
    for (auto* chart : charts())
        chart->setMarker(result.headline, at(double(result.step), epoch, result.seconds, 0), true);
}

void TrainingCharts::refresh()
{
    for (auto* chart : charts())
        chart->refresh();
}

void TrainingCharts::exportChart(LiveChart* chart)
{
    QString selected;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export “%1”").arg(chart->title()), chart->title().toLower().replace(' ', '-') + ".png",
        tr("PNG image (*.png);;SVG drawing (*.svg);;CSV data (*.csv)"), &selected);
    if (path.isEmpty())
        return;
    const QString error = chart->exportTo(path);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Export failed"), error);
}

} // namespace studio::ui
