#include "ChartToolbar.h"

#include "LiveChart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QSlider>
#include <QToolButton>

#include <cmath>

namespace studio::ui {

ChartToolbar::ChartToolbar(QList<LiveChart*> charts, QList<LiveChart*> logCharts, QWidget* parent)
    : QWidget(parent), m_charts(std::move(charts)), m_logCharts(std::move(logCharts)),
      m_smoothing(new QSlider(Qt::Horizontal, this)), m_smoothingValue(new QLabel("0.00", this)),
      m_logScale(new QCheckBox(tr("Log scale"), this)), m_xAxis(new QComboBox(this))
{
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    m_smoothing->setObjectName("smoothing");
    m_smoothing->setRange(0, 99);
    m_smoothing->setMaximumWidth(160);
    m_smoothing->setToolTip(tr("Exponential moving average of the batch curves (TensorBoard's smoothing)"));
    m_smoothingValue->setMinimumWidth(fontMetrics().horizontalAdvance("0.00") + 4);
    m_logScale->setObjectName("logScale");
    m_logScale->setToolTip(tr("Logarithmic value axis for the loss and learning-rate charts"));
    m_xAxis->setObjectName("xAxis");
    m_xAxis->addItem(tr("Step"), int(XAxis::Step));
    m_xAxis->addItem(tr("Epoch"), int(XAxis::Epoch));
    m_xAxis->addItem(tr("Wall time"), int(XAxis::WallTime));
    auto* exportButton = new QToolButton(this);
    exportButton->setObjectName("exportCharts");
    exportButton->setText(tr("Export"));
    exportButton->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(exportButton);
    for (auto* chart : m_charts)
        menu->addAction(tr("%1…").arg(chart->title()), this, [this, chart] { exportChart(chart); });
    exportButton->setMenu(menu);

    row->addWidget(new QLabel(tr("Smoothing"), this));
    row->addWidget(m_smoothing);
    row->addWidget(m_smoothingValue);
    row->addSpacing(12);
    row->addWidget(m_logScale);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("X axis"), this));
    row->addWidget(m_xAxis);
    row->addStretch(1);
    row->addWidget(exportButton);

    for (auto* chart : m_charts) {
        chart->setContextMenuPolicy(Qt::CustomContextMenu);
        connect(chart, &QWidget::customContextMenuRequested, this, [this, chart](const QPoint& pos) {
            QMenu context;
            context.addAction(tr("Export “%1”…").arg(chart->title()), this, [this, chart] { exportChart(chart); });
            context.exec(chart->mapToGlobal(pos));
        });
    }
    connect(m_smoothing, &QSlider::valueChanged, this, [this](int v) { setSmoothing(v / 100.0); });
    connect(m_logScale, &QCheckBox::toggled, this, &ChartToolbar::setLogScale);
    connect(m_xAxis, &QComboBox::currentIndexChanged, this,
            [this] { setXAxis(XAxis(m_xAxis->currentData().toInt())); });
}

void ChartToolbar::setSmoothing(double weight)
{
    if (m_smoothing->value() != int(std::lround(weight * 100)))
        m_smoothing->setValue(int(std::lround(weight * 100)));
    m_smoothingValue->setText(QString::number(weight, 'f', 2));
    for (auto* chart : m_charts)
        chart->setSmoothing(weight);
}

void ChartToolbar::setLogScale(bool on)
{
    m_logScale->setChecked(on);
    for (auto* chart : m_logCharts)
        chart->setLogScale(on);
}

void ChartToolbar::setXAxis(XAxis axis)
{
    m_xAxis->setCurrentIndex(m_xAxis->findData(int(axis)));
    for (auto* chart : m_charts)
        chart->setXAxis(axis);
}

void ChartToolbar::exportChart(LiveChart* chart)
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export “%1”").arg(chart->title()),
                                                      chart->title().toLower().replace(' ', '-') + ".png",
                                                      tr("PNG image (*.png);;SVG drawing (*.svg);;CSV data (*.csv)"));
    if (path.isEmpty())
        return;
    if (const QString error = chart->exportTo(path); !error.isEmpty())
        QMessageBox::warning(this, tr("Export failed"), error);
}

} // namespace studio::ui
