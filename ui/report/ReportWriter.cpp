#include "ReportWriter.h"

#include "AblationChart.h"
#include "ChartColors.h"
#include "ConfidenceHistogramView.h"
#include "ConfusionMatrixView.h"
#include "LiveChart.h"
#include "RunHistory.h"
#include "TrainingCharts.h"
#include "ReliabilityDiagram.h"
#include "WidgetExport.h"

#include "runs/RunExport.h"
#include "util/LibraryVersions.h"
#include "util/StudioError.h"

#include <QApplication>
#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QJsonObject>
#include <QLocale>
#include <QSaveFile>

#include <cmath>

namespace studio::ui {
namespace {

QString esc(const QString& s)
{
    return s.toHtmlEscaped();
}

QString pct(double v, int decimals = 2)
{
    return QString::number(v * 100, 'f', decimals) + " %";
}

QString dataUri(const QImage& image)
{
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return "data:image/png;base64," + QString::fromLatin1(bytes.toBase64());
}

/// Renders a widget offscreen at a fixed size to <folder>/charts/<name>.png and .svg; returns the
/// PNG as a data URI for the HTML.
class ChartFiles {
public:
    explicit ChartFiles(const QString& folder) : m_dir(QDir(folder).filePath("charts")) { QDir().mkpath(m_dir); }

    QString add(QWidget* widget, const QString& name, QSize size)
    {
        widget->setAttribute(Qt::WA_DontShowOnScreen);
        widget->resize(size);
        widget->show();
        QApplication::processEvents();
        if (auto* chart = qobject_cast<LiveChart*>(widget))
            chart->refresh();
        QApplication::processEvents();
        for (const char* suffix : {"png", "svg"}) {
            const QString path = QDir(m_dir).filePath(name + "." + suffix);
            const QString error = exportWidget(widget, path);
            if (!error.isEmpty())
                throw StudioError(error.toStdString());
            written.append(path);
        }
        QImage image(QDir(m_dir).filePath(name + ".png"));
        widget->hide();
        return dataUri(image);
    }

    QStringList written;

private:
    QString m_dir;
};

QString figure(const QString& uri, const QString& name, const QString& caption)
{
    return QStringLiteral("<figure><img src=\"%1\" alt=\"%2\"><figcaption>%3 <a href=\"charts/%4.svg\">SVG</a> · "
                          "<a href=\"charts/%4.png\">PNG</a></figcaption></figure>")
        .arg(uri, esc(caption), esc(caption), name);
}

QString trainingSection(const ReportInput& in, ChartFiles& files)
{
    if (in.history.epochs.empty())
        return "<p>No epoch finished, so there are no training curves.</p>";
    // The Train page's own charts over the stored run: per-batch loss raw and smoothed, epoch
    // train and validation figures, the learning rate of every step, the generalisation gap.
    TrainingCharts charts;
    charts.showHistory(in.history);
    charts.showPlannedSchedule(in.run.config, in.history.start.batchesPerEpoch);
    charts.setXAxis(XAxis::Epoch);
    QString html = "<div class=\"grid2\">";
    const std::pair<LiveChart*, const char*> shown[] = {{charts.lossChart(), "loss"},
                                                        {charts.accuracyChart(), "accuracy"},
                                                        {charts.lrChart(), "learning-rate"},
                                                        {charts.gapChart(), "generalisation-gap"},
                                                        {charts.classChart(), "class-accuracy"}};
    for (const auto& [chart, name] : shown) {
        if (chart == charts.classChart() && in.history.epochs.back().valClassAccuracy.empty())
            continue;              // a run without per-class figures (no validation, or made before them)
        chart->setParent(nullptr); // rendered on its own, at the report's size
        html += figure(files.add(chart, name, {620, 400}), name, chart->title());
        chart->setParent(&charts);
    }
    return html + "</div>";
}

QString summaryCards(const ReportInput& in)
{
    const auto& e = in.evaluation;
    const auto card = [](const QString& label, const QString& value) {
        return QStringLiteral("<div class=\"card\"><div class=\"value\">%1</div><div class=\"label\">%2</div></div>")
            .arg(value, label);
    };
    return "<div class=\"cards\">" + card(QObject::tr("test accuracy"), pct(e.accuracy)) +
           card(QObject::tr("test loss"), QString::number(e.loss, 'f', 4)) +
           card(QObject::tr("errors"), QStringLiteral("%1 of %2").arg(e.errors.size()).arg(e.scores.size())) +
           card(QObject::tr("macro F1"), QString::number(e.report.macro.f1, 'f', 4)) +
           card(QObject::tr("ECE"), QString::number(e.calibration.ece, 'f', 4)) +
           card(QObject::tr("parameters"), QLocale().toString(qint64(in.run.parameters))) +
           card(QObject::tr("best epoch"), QStringLiteral("%1 of %2").arg(in.run.bestEpoch).arg(in.run.epochsDone)) +
           "</div>";
}

QString configTable(const ReportInput& in)
{
    QString rows;
    const auto json = configToJson(in.run.config);
    for (auto it = json.begin(); it != json.end(); ++it)
        rows += QStringLiteral("<tr><td>%1</td><td>%2</td></tr>")
                    .arg(esc(it.key()), esc(it.value().isString() ? it.value().toString()
                                            : it.value().isBool() ? (it.value().toBool() ? "true" : "false")
                                                                  : QString::number(it.value().toDouble(), 'g', 8)));
    return "<table class=\"config\"><tr><th>field</th><th>value</th></tr>" + rows + "</table>";
}

QString perClassTable(const Evaluation& e)
{
    QString html = "<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>";
    const auto row = [](const QString& name, const ClassScores& s, bool strong) {
        return QStringLiteral("<tr%1><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td></tr>")
            .arg(strong ? " class=\"total\"" : "", name)
            .arg(s.precision, 0, 'f', 4)
            .arg(s.recall, 0, 'f', 4)
            .arg(s.f1, 0, 'f', 4)
            .arg(s.support);
    };
    for (std::size_t k = 0; k < e.report.perClass.size(); ++k)
        html += row(QString::number(k), e.report.perClass[k], false);
    html +=
        row(QObject::tr("macro avg"), e.report.macro, true) + row(QObject::tr("weighted avg"), e.report.weighted, true);
    return html + "</table>";
}

QString confusedPairs(const Evaluation& e)
{
    QString html = "<table><tr><th>true</th><th>predicted</th><th>images</th><th>of the true class</th></tr>";
    for (const auto& p : e.confusion.mostConfused(e.options.confusedPairs))
        html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                    .arg(p.trueClass)
                    .arg(p.predictedClass)
                    .arg(p.count)
                    .arg(pct(p.rate));
    return html + "</table>";
}

QString gallery(const ReportInput& in)
{
    QString html = "<div class=\"gallery\">";
    const int shown = int(std::min<std::size_t>(
        20, std::min<std::size_t>(in.evaluation.errors.size(), std::size_t(in.errorImages.size()))));
    for (int i = 0; i < shown; ++i) {
        const auto& s = in.evaluation.errors[std::size_t(i)];
        const QImage big = in.errorImages[i].scaled(84, 84, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        html += QStringLiteral("<div class=\"tile%1\"><img src=\"%2\" alt=\"test image %3\"><div>#%3</div>"
                               "<div>true <b>%4</b> → pred <b>%5</b></div><div>%6</div></div>")
                    .arg(s.confidence > in.evaluation.options.highConfidence ? " high" : "", dataUri(big))
                    .arg(s.index)
                    .arg(s.label)
                    .arg(s.predicted)
                    .arg(pct(s.confidence, 1));
    }
    if (shown == 0)
        html += "<p>No misclassified images.</p>";
    return html + "</div>";
}

QString studySection(const ReportInput& in, ChartFiles& files)
{
    if (in.study.empty())
        return {};
    QString html = QStringLiteral("<h2>Ablation study “%1”</h2><table><tr><th>variant</th><th>run</th><th>model</th>"
                                  "<th>params</th><th>best val acc</th><th>test acc</th><th>epochs to 97 %</th>"
                                  "<th>epochs</th><th>time</th><th>test vs base</th></tr>")
                       .arg(esc(in.run.study));
    for (const auto& r : in.study)
        html += QStringLiteral("<tr%1><td>%2</td><td>%3</td><td>%4</td><td>%5</td><td>%6</td><td>%7</td><td>%8</td>"
                               "<td>%9</td><td>%10 s</td><td>%11</td></tr>")
                    .arg(r.runId == in.run.id ? " class=\"total\"" : "", esc(QString::fromStdString(r.variant)))
                    .arg(r.runId)
                    .arg(esc(QString::fromStdString(r.model)), QLocale().toString(qint64(r.parameters)),
                         pct(r.bestValAccuracy), r.testAccuracy >= 0 ? pct(r.testAccuracy) : "—",
                         r.epochsToTarget > 0 ? QString::number(r.epochsToTarget) : "—")
                    .arg(r.epochs)
                    .arg(r.seconds, 0, 'f', 0)
                    .arg(QString::number(r.testDifference, 'f', 2) + " pts");
    html += "</table>";
    AblationChart chart;
    chart.setRows(in.run.study, in.study);
    return html + "<div class=\"grid2\">" +
           figure(files.add(&chart, "ablation", {640, 380}), "ablation",
                  QObject::tr("Best validation and test accuracy per variant")) +
           "</div>";
}

const char* kStyle = R"(
body { font-family: "DejaVu Sans", sans-serif; margin: 2em auto; max-width: 1320px; color: #1d232b; background: #fafbfc; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #d6dbe1; padding-bottom: 0.2em; }
.meta { color: #5b6573; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 1em 0; }
.card { background: white; border: 1px solid #d6dbe1; border-radius: 6px; padding: 10px 16px; min-width: 130px; }
.card .value { font-size: 1.5em; font-weight: bold; } .card .label { color: #5b6573; }
.grid2 { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; }
figure { margin: 0; background: white; border: 1px solid #d6dbe1; border-radius: 6px; padding: 6px; }
figure img { width: 100%; } figcaption { color: #5b6573; font-size: 0.9em; }
table { border-collapse: collapse; background: white; margin: 0.5em 0; }
td, th { border: 1px solid #d6dbe1; padding: 3px 10px; text-align: right; } th { background: #eef1f5; }
td:first-child { text-align: left; } tr.total td { font-weight: bold; background: #f3f6f9; }
pre { background: white; border: 1px solid #d6dbe1; padding: 8px; overflow-x: auto; font-size: 0.85em; }
.gallery { display: flex; flex-wrap: wrap; gap: 8px; }
.tile { background: white; border: 1px solid #d6dbe1; border-radius: 6px; padding: 4px; text-align: center; font-size: 0.8em; width: 110px; }
.tile img { image-rendering: pixelated; width: 84px; height: 84px; background: black; }
.tile.high { border: 2px solid #d94801; }
.columns { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
)";

} // namespace

QStringList writeReport(const QString& folder, const ReportInput& in)
{
    if (!QDir().mkpath(folder))
        throw StudioError("Cannot create the folder " + folder.toStdString() + ".");
    ChartFiles files(folder);
    const auto& e = in.evaluation;

    ConfusionMatrixView counts, normalised;
    counts.setMatrix(e.confusion);
    counts.setNormalization(ConfusionMatrix::Normalization::None);
    normalised.setMatrix(e.confusion);
    normalised.setNormalization(ConfusionMatrix::Normalization::ByTrue);
    ReliabilityDiagram reliability;
    reliability.setCalibration(e.calibration, e.temperatureFitted ? std::optional(e.calibrated) : std::nullopt,
                               e.temperature);
    ConfidenceHistogramView histogram;
    histogram.setHistogram(e.histogram);

    const QString title = in.run.name.isEmpty() ? QObject::tr("Run %1").arg(in.run.id) : in.run.name;
    QString html =
        QStringLiteral("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>%1 — MNIST Studio "
                       "report</title><style>%2</style></head><body>")
            .arg(esc(title), kStyle);
    html += QStringLiteral("<h1>%1</h1><p class=\"meta\">%2 · %3 · %4 · status %5 · %6 s of training · report of %7 "
                           "(MNIST Studio %8)</p>")
                .arg(esc(title), esc(in.run.model), esc(QString::fromStdString(in.run.data.describe())),
                     in.run.started.toString(Qt::ISODate), esc(in.run.status), QString::number(in.run.seconds, 'f', 0),
                     QDateTime::currentDateTime().toString(Qt::ISODate), QString::fromStdString(studioVersion()));
    html += summaryCards(in);
    html += "<h2>Training</h2>" + trainingSection(in, files);
    html += "<h2>Confusion matrix (test)</h2><div class=\"grid2\">" +
            figure(files.add(&counts, "confusion-counts", {640, 600}), "confusion-counts", QObject::tr("Counts")) +
            figure(files.add(&normalised, "confusion-normalised", {640, 600}), "confusion-normalised",
                   QObject::tr("Normalised by true class (rows sum to 100 %)")) +
            "</div>";
    html += "<h2>Most confused pairs</h2>" + confusedPairs(e);
    html +=
        QStringLiteral("<h2>Misclassified images</h2><p>The %1 most confident errors of %2 (orange: confidence above "
                       "%3). All errors are listed in <code>errors.csv</code>.</p>")
            .arg(std::min<std::size_t>(20, e.errors.size()))
            .arg(e.errors.size())
            .arg(pct(e.options.highConfidence, 0)) +
        gallery(in);
    html +=
        QStringLiteral("<h2>Calibration</h2><p>ECE %1, MCE %2, Brier %3, NLL %4 (%5 %6 bins).%7</p>")
            .arg(e.calibration.ece, 0, 'f', 4)
            .arg(e.calibration.mce, 0, 'f', 4)
            .arg(e.calibration.brier, 0, 'f', 4)
            .arg(e.calibration.nll, 0, 'f', 4)
            .arg(e.calibration.bins.size())
            .arg(e.options.binning == Binning::Uniform ? "uniform" : "equal-mass")
            .arg(e.temperatureFitted ? QObject::tr(" Temperature scaling fitted on the validation split: T = %1 → ECE "
                                                   "%2, MCE %3, Brier %4, NLL %5 (accuracy unchanged).")
                                           .arg(e.temperature, 0, 'f', 3)
                                           .arg(e.calibrated.ece, 0, 'f', 4)
                                           .arg(e.calibrated.mce, 0, 'f', 4)
                                           .arg(e.calibrated.brier, 0, 'f', 4)
                                           .arg(e.calibrated.nll, 0, 'f', 4)
                                     : QString());
    html +=
        "<div class=\"grid2\">" +
        figure(files.add(&reliability, "reliability", {620, 560}), "reliability", QObject::tr("Reliability diagram")) +
        figure(files.add(&histogram, "confidence-histogram", {620, 360}), "confidence-histogram",
               QObject::tr("Confidence histograms")) +
        "</div>";
    html += "<h2>Per-class metrics</h2>" + perClassTable(e);
    html += studySection(in, files);
    html += "<h2>Configuration and model</h2><div class=\"columns\"><div>" + configTable(in) + "</div><div><pre>" +
            esc(in.modelSummary) + "</pre></div></div>";
    html += "<p class=\"meta\">Files: metrics.json, per_class.csv, confusion.csv, predictions.csv, errors.csv, "
            "history.csv, charts/.</p></body></html>";

    const QString path = QDir(folder).filePath("report.html");
    QSaveFile file(path);
    const auto bytes = html.toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + file.errorString().toStdString() + ".");
    QStringList written = files.written;
    written.append(path);
    return written;
}

QStringList writeRunReport(RunStore& store, qint64 runId, ReportInput input, const QString& folder)
{
    writeEvaluationFiles(folder, input.evaluation);
    exportHistoryCsv(store, runId, QDir(folder).filePath("history.csv"));
    store.setTestResult(runId, input.evaluation.accuracy, input.evaluation.loss, toJson(input.evaluation));
    const auto run = store.run(runId);
    if (!run)
        throw StudioError("No run " + std::to_string(runId) + " in " + store.location().toStdString() + ".");
    input.run = *run;
    input.history = runHistory(store, runId);
    if (!input.run.study.isEmpty()) {
        std::vector<std::string> names;
        std::vector<RunRecord> runs;
        std::vector<std::vector<EpochRecord>> histories;
        for (const auto& r : store.runs())
            if (r.study == input.run.study) {
                names.push_back(r.config.name);
                runs.push_back(r);
                histories.push_back(store.epochs(r.id));
            }
        input.study = ablationTable(names, runs, histories, 0.97);
    }
    return writeReport(folder, input);
}

} // namespace studio::ui
