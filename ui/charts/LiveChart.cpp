#include "LiveChart.h"

#include "ChartReadout.h"
#include "ChartStyle.h"
#include "WidgetExport.h"

#include <QFileInfo>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLogValueAxis>
#include <QMouseEvent>
#include <QPainter>
#include <QSaveFile>
#include <QScatterSeries>
#include <QTextStream>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace studio::ui {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

} // namespace

LiveChart::LiveChart(const QString& title, const QString& valueTitle, QWidget* parent) : QChartView(parent)
{
    auto* c = new QChart;
    c->setTitle(title);
    c->legend()->setAlignment(Qt::AlignBottom);
    c->legend()->setShowToolTips(true); // a name cut short in a narrow chart reads in full on hover
    c->setMargins(QMargins(4, 4, 4, 4));
    c->setBackgroundRoundness(4);
    setChart(c);
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setMinimumSize(240, 200);

    m_x = new QValueAxis;
    m_x->setTitleText(axisTitle(m_axis));
    m_x->setLabelFormat("%g");
    m_linearY = new QValueAxis;
    m_linearY->setTitleText(valueTitle);
    m_linearY->setLabelFormat("%.3g");
    m_logY = new QLogValueAxis(this);
    m_logY->setTitleText(valueTitle);
    m_logY->setLabelFormat("%.3g");
    m_logY->setMinorTickCount(-1);
    c->addAxis(m_x, Qt::AlignBottom);
    c->addAxis(m_linearY, Qt::AlignLeft);

    m_stars = new QScatterSeries;
    m_stars->setName(tr("best"));
    m_stars->setMarkerShape(QScatterSeries::MarkerShapeStar);
    m_stars->setMarkerSize(16);
    m_stars->setColor(QColor(0xf2, 0xa9, 0x00));
    m_stars->setBorderColor(QColor(0x8a, 0x5a, 0x00));
    c->addSeries(m_stars);
    attachToAxes(m_stars);

    m_readout = std::make_unique<ChartReadout>(c);
    applyPalette();
}

LiveChart::~LiveChart() = default;

int LiveChart::addSeries(const QString& name, const SeriesStyle& style)
{
    Curve curve;
    curve.name = name;
    curve.style = style;
    curve.series = new QLineSeries;
    curve.series->setName(name);
    QPen pen(style.color, style.width, style.pen);
    pen.setCosmetic(true);
    curve.series->setPen(pen);
    chart()->addSeries(curve.series);
    attachToAxes(curve.series);
    if (style.dots) {
        curve.dotSeries = new QScatterSeries;
        curve.dotSeries->setMarkerSize(7);
        curve.dotSeries->setColor(style.color);
        curve.dotSeries->setBorderColor(style.color);
        chart()->addSeries(curve.dotSeries);
        attachToAxes(curve.dotSeries);
        for (auto* marker : chart()->legend()->markers(curve.dotSeries))
            marker->setVisible(false);
    }
    m_curves.push_back(std::move(curve));
    m_dirty = true;
    return int(m_curves.size()) - 1;
}

void LiveChart::append(int series, const ChartPoint& point)
{
    m_curves.at(std::size_t(series)).buffer.append(point);
    m_dirty = true;
}

void LiveChart::clearSeries(int series)
{
    m_curves.at(std::size_t(series)).buffer.clear();
    m_dirty = true;
}

void LiveChart::removeAllSeries()
{
    clearAll();
    for (auto& curve : m_curves)
        for (QAbstractSeries* series :
             {static_cast<QAbstractSeries*>(curve.series), static_cast<QAbstractSeries*>(curve.dotSeries)})
            if (series) {
                chart()->removeSeries(series);
                delete series;
            }
    m_curves.clear();
    m_dirty = true;
}

void LiveChart::clearAll()
{
    for (auto& curve : m_curves)
        curve.buffer.clear();
    for (auto& marker : m_markers)
        if (marker.series) {
            chart()->removeSeries(marker.series);
            delete marker.series;
        }
    m_markers.clear();
    hideReadout();
    m_dirty = true;
}

void LiveChart::setMarker(const QString& label, const ChartPoint& at, bool line)
{
    for (auto it = m_markers.begin(); it != m_markers.end(); ++it)
        if (it->label == label) {
            if (it->series) {
                chart()->removeSeries(it->series);
                delete it->series;
            }
            m_markers.erase(it);
            break;
        }
    Marker marker{label, at, line, nullptr};
    if (line) {
        marker.series = new QLineSeries;
        marker.series->setName(label);
        QPen pen(palette().color(QPalette::Text), 1.5, Qt::DashLine);
        pen.setCosmetic(true);
        marker.series->setPen(pen);
        chart()->addSeries(marker.series);
        attachToAxes(marker.series);
    }
    m_markers.push_back(marker);
    m_dirty = true;
}

void LiveChart::setXAxis(XAxis axis)
{
    if (axis == m_axis)
        return;
    m_axis = axis;
    m_x->setTitleText(axisTitle(axis));
    hideReadout();
    m_dirty = true;
}

void LiveChart::setLogScale(bool on)
{
    if (on == m_log)
        return;
    m_log = on;
    QAbstractAxis* oldAxis = on ? static_cast<QAbstractAxis*>(m_linearY) : m_logY;
    QAbstractAxis* newAxis = on ? static_cast<QAbstractAxis*>(m_logY) : m_linearY;
    chart()->removeAxis(oldAxis);
    oldAxis->setParent(this);
    chart()->addAxis(newAxis, Qt::AlignLeft);
    for (auto* s : chart()->series())
        s->attachAxis(newAxis);
    hideReadout();
    m_dirty = true;
}

void LiveChart::setSmoothing(double weight)
{
    m_smoothing = std::clamp(weight, 0.0, 0.999);
    m_dirty = true;
}

void LiveChart::setExtent(double steps, double epochs)
{
    m_extentSteps = steps;
    m_extentEpochs = epochs;
    m_dirty = true;
}

void LiveChart::setValueBounds(double lowest, double highest)
{
    m_lowest = lowest;
    m_highest = highest;
    m_dirty = true;
}

bool LiveChart::refresh()
{
    if (!m_dirty)
        return false;
    m_dirty = false;
    double xMax = m_axis == XAxis::Step ? m_extentSteps : m_axis == XAxis::Epoch ? m_extentEpochs : 0.0;
    for (const auto& curve : m_curves)
        for (auto it = curve.buffer.points().rbegin(); it != curve.buffer.points().rend(); ++it)
            if (std::isfinite(it->x(m_axis))) {
                xMax = std::max(xMax, it->x(m_axis));
                break;
            }
    const double xMin = 0.0;
    if (xMax <= xMin)
        xMax = xMin + 1.0;
    const int columns = std::max(100, int(chart()->plotArea().width()));

    double yMin = kInf, yMax = -kInf;
    const auto include = [&](double y) {
        if (std::isfinite(y) && (!m_log || y > 0)) {
            yMin = std::min(yMin, y);
            yMax = std::max(yMax, y);
        }
    };
    for (auto& curve : m_curves) {
        const double weight = curve.style.smoothable ? m_smoothing : 0.0;
        const auto points = curve.buffer.display(m_axis, weight, columns, xMin, xMax, m_log);
        for (const auto& p : points)
            include(p.y());
        curve.series->replace(points);
        if (curve.style.optional)
            for (auto* marker : chart()->legend()->markers(curve.series))
                marker->setVisible(!curve.buffer.points().empty());
        if (curve.dotSeries)
            curve.dotSeries->replace(points.size() <= 200 ? points : QList<QPointF>{});
    }
    QList<QPointF> stars;
    for (const auto& marker : m_markers) {
        const double x = marker.at.x(m_axis);
        if (!marker.line && std::isfinite(x) && std::isfinite(marker.at.value) && (!m_log || marker.at.value > 0)) {
            stars.append({x, marker.at.value});
            include(marker.at.value);
        }
    }
    if (yMin > yMax) {
        yMin = m_log ? 0.1 : 0.0;
        yMax = 1.0;
    }
    for (auto& marker : m_markers)
        if (marker.series) {
            const double x = marker.at.x(m_axis);
            marker.series->replace(std::isfinite(x) ? QList<QPointF>{{x, yMin}, {x, yMax}} : QList<QPointF>{});
        }
    m_stars->replace(stars);
    for (auto* legendMarker : chart()->legend()->markers(m_stars))
        legendMarker->setVisible(!stars.isEmpty());
    updateRanges(xMin, xMax, yMin, yMax);
    return true;
}

void LiveChart::updateRanges(double xMin, double xMax, double yMin, double yMax)
{
    // Whole steps and epochs; wall time in 1-2-5 seconds.
    const double xStep =
        m_axis == XAxis::WallTime ? niceStep(xMax - xMin, 6.0) : std::max(1.0, niceStep(xMax - xMin, 6.0));
    setRangeAndInterval(m_x, xMin, xMax, xStep);
    if (m_log) {
        m_logY->setRange(yMin / 1.25, yMax * 1.25);
        return;
    }
    const auto range = niceRange(yMin, yMax, m_lowest, m_highest);
    setRangeAndInterval(m_linearY, range.low, range.high, range.step);
}

QString LiveChart::title() const
{
    return chart()->title();
}

QString LiveChart::seriesName(int series) const
{
    return m_curves.at(std::size_t(series)).name;
}

int LiveChart::seriesIndex(const QString& name) const
{
    for (std::size_t i = 0; i < m_curves.size(); ++i)
        if (m_curves[i].name == name)
            return int(i);
    return -1;
}

bool LiveChart::inLegend(int series) const
{
    const auto markers = chart()->legend()->markers(m_curves.at(std::size_t(series)).series);
    return !markers.isEmpty() && markers.first()->isVisible();
}

int LiveChart::sampleCount(int series) const
{
    return int(m_curves.at(std::size_t(series)).buffer.points().size());
}

QList<QPointF> LiveChart::drawnPoints(int series) const
{
    return m_curves.at(std::size_t(series)).series->points();
}

int LiveChart::drawnCount(int series) const
{
    return int(m_curves.at(std::size_t(series)).series->count());
}

QString LiveChart::hoverText() const
{
    return m_readout->text();
}

QPoint LiveChart::positionOf(int series, const QPointF& value) const
{
    const QPointF inChart = chart()->mapToPosition(value, m_curves.at(std::size_t(series)).series);
    return mapFromScene(chart()->mapToScene(inChart));
}

void LiveChart::showReadoutAt(const QPoint& position)
{
    QList<QXYSeries*> series;
    for (const auto& curve : m_curves)
        series.append(curve.series);
    const NearestPoint nearest = nearestPoint(chart(), series, chart()->mapFromScene(mapToScene(position)));
    if (nearest.series < 0) {
        hideReadout();
        return;
    }
    m_readout->show(nearest.position,
                    QStringLiteral("%1 · %2: %3")
                        .arg(m_curves[std::size_t(nearest.series)].name, formatX(m_axis, nearest.value.x()),
                             QString::number(nearest.value.y(), 'g', 4)),
                    chart()->plotArea(), palette());
}

void LiveChart::hideReadout()
{
    m_readout->hide();
}

QString LiveChart::toCsv() const
{
    QString text;
    QTextStream out(&text);
    out << "series,step,epoch,seconds,value,smoothed\n";
    for (const auto& curve : m_curves)
        curve.buffer.writeCsv(out, curve.name, curve.style.smoothable ? m_smoothing : 0.0);
    return text;
}

QString LiveChart::exportTo(const QString& path)
{
    refresh();
    hideReadout();
    if (QFileInfo(path).suffix().toLower() != "csv")
        return exportWidget(this, path);
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(toCsv().toUtf8()) < 0 || !file.commit())
        return tr("Cannot write %1: %2").arg(path, file.errorString());
    return {};
}

void LiveChart::mouseMoveEvent(QMouseEvent* event)
{
    showReadoutAt(event->position().toPoint());
    QChartView::mouseMoveEvent(event);
}

void LiveChart::leaveEvent(QEvent* event)
{
    hideReadout();
    QChartView::leaveEvent(event);
}

void LiveChart::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        applyPalette();
    QChartView::changeEvent(event);
}

void LiveChart::resizeEvent(QResizeEvent* event)
{
    m_dirty = true;
    QChartView::resizeEvent(event);
}

void LiveChart::applyPalette()
{
    applyChartPalette(chart(), {m_x, m_linearY, m_logY}, palette(), font());
    setBackgroundBrush(palette().color(QPalette::Window));
    m_dirty = true;
}

void LiveChart::attachToAxes(QAbstractSeries* series)
{
    series->attachAxis(m_x);
    series->attachAxis(m_log ? static_cast<QAbstractAxis*>(m_logY) : m_linearY);
}

} // namespace studio::ui
