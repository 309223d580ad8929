#include "ArchitectureChart.h"

#include "ChartStyle.h"
#include "RunComparisonView.h"

#include "runs/RunComparison.h"

#include <QChart>
#include <QLocale>
#include <QLogValueAxis>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>
#include <map>

namespace studio::ui {

ArchitectureChart::ArchitectureChart(QWidget* parent) : QChartView(parent)
{
    setObjectName("architectureChart");
    setRenderHint(QPainter::Antialiasing);
    chart()->setTitle(tr("Architectures: accuracy against size (marker size: seconds per epoch)"));
    chart()->legend()->setAlignment(Qt::AlignRight);
    setMinimumHeight(260);
}

std::vector<ArchitectureChart::Point> ArchitectureChart::bestPerArchitecture(const std::vector<RunRecord>& runs)
{
    std::map<std::pair<std::string, QString>, Point> best; // per dataset and architecture: never across datasets
    for (const auto& r : runs) {
        if (r.epochsDone == 0)
            continue;
        const double accuracy = finalAccuracy(r);
        const auto key = std::pair(r.data.key(), r.model);
        auto it = best.find(key);
        if (it == best.end() || accuracy > it->second.accuracy)
            best[key] = {r.model, QString::fromStdString(r.data.name), r.parameters, accuracy, r.seconds / r.epochsDone,
                         r.id};
    }
    std::vector<Point> points;
    for (auto& [key, point] : best)
        points.push_back(point);
    std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.parameters < b.parameters; });
    return points;
}

void ArchitectureChart::setRuns(const std::vector<RunRecord>& runs)
{
    m_points = bestPerArchitecture(runs);
    QChart* c = chart();
    c->removeAllSeries();
    for (auto* axis : c->axes())
        c->removeAxis(axis);
    auto* x = new QLogValueAxis;
    x->setBase(10);
    x->setLabelFormat("%g");
    x->setTitleText(tr("parameters (log scale)"));
    auto* y = new QValueAxis;
    y->setTitleText(tr("accuracy (%)"));
    c->addAxis(x, Qt::AlignBottom);
    c->addAxis(y, Qt::AlignLeft);
    double slowest = 0, lowest = 100, minParams = 1e12, maxParams = 1;
    for (const auto& p : m_points) {
        slowest = std::max(slowest, p.secondsPerEpoch);
        lowest = std::min(lowest, p.accuracy * 100);
        minParams = std::min(minParams, double(p.parameters));
        maxParams = std::max(maxParams, double(p.parameters));
    }
    QStringList datasets;
    for (const auto& p : m_points)
        if (!datasets.contains(p.dataset))
            datasets << p.dataset;
    int index = 0;
    for (const auto& p : m_points) {
        auto* s = new QScatterSeries;
        s->setName(tr("%1: %2 %, %3 params, %4 s/epoch")
                       .arg(datasets.size() > 1 ? tr("%1 on %2").arg(p.model, p.dataset) : p.model)
                       .arg(p.accuracy * 100, 0, 'f', 2)
                       .arg(QLocale().toString(p.parameters))
                       .arg(p.secondsPerEpoch, 0, 'f', 1));
        s->setMarkerSize(10 + 26 * (slowest > 0 ? std::sqrt(p.secondsPerEpoch / slowest) : 0));
        s->setColor(RunComparisonView::runColor(index++));
        s->setBorderColor(Qt::transparent);
        s->append(double(std::max<qint64>(1, p.parameters)), p.accuracy * 100);
        c->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    }
    x->setRange(std::pow(10, std::floor(std::log10(minParams))), std::pow(10, std::ceil(std::log10(maxParams))));
    const auto range = niceRange(m_points.empty() ? 0 : lowest, 100, 0, 100);
    setRangeAndInterval(y, range.low, range.high, range.step);
    applyChartPalette(c, {x, y}, palette(), font());
}

} // namespace studio::ui
