#include "evaluation/Evaluation.h"

#include "evaluation/TemperatureScaling.h"
#include "util/StudioError.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace studio {
namespace {

QJsonObject scoresJson(const ClassScores& s)
{
    return {{"precision", s.precision}, {"recall", s.recall}, {"f1", s.f1}, {"support", qint64(s.support)}};
}

QJsonObject calibrationJson(const CalibrationSummary& c)
{
    QJsonArray bins;
    for (const auto& b : c.bins)
        bins.append(QJsonObject{{"lower", b.lower},
                                {"upper", b.upper},
                                {"count", qint64(b.count)},
                                {"confidence", b.confidence},
                                {"accuracy", b.accuracy}});
    return {{"ece", c.ece}, {"mce", c.mce}, {"brier", c.brier}, {"nll", c.nll}, {"bins", bins}};
}

void writeText(const QString& path, const QByteArray& text)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text) != text.size() || !f.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

QByteArray number(double v)
{
    return QByteArray::number(v, 'g', 8);
}

/// Scores of a model whose outputs are NaN or infinite mean nothing: say so instead of binning them.
void requireFinite(const ScoredSet& s, const std::string& split)
{
    std::int64_t bad = 0, first = -1;
    const auto c = std::size_t(s.numClasses);
    for (std::size_t i = 0; i < s.labels.size(); ++i)
        if (!std::all_of(s.logits.begin() + std::ptrdiff_t(i * c), s.logits.begin() + std::ptrdiff_t((i + 1) * c),
                         [](float v) { return std::isfinite(v); })) {
            ++bad;
            first = first < 0 ? std::int64_t(i) : first;
        }
    if (bad > 0)
        throw StudioError("The model's outputs are NaN or infinite for " + std::to_string(bad) + " of " +
                          std::to_string(s.labels.size()) + " " + split + " images (the first is image " +
                          std::to_string(first) + "); its weights or inputs are broken, so nothing was scored.");
}

} // namespace

Evaluation analyse(std::string split, ScoredSet scores, const ScoredSet* validation, const EvaluationOptions& options)
{
    requireFinite(scores, split);
    if (validation)
        requireFinite(*validation, "validation");
    Evaluation e;
    e.split = std::move(split);
    e.options = options;
    e.scores = std::move(scores);
    const auto predicted = e.scores.predicted();
    e.confusion = ConfusionMatrix::from(e.scores.labels, predicted, e.scores.numClasses);
    e.report = classificationReport(e.confusion);
    e.accuracy = e.report.accuracy;
    e.calibration = calibration(e.scores, 1.0, options.calibrationBins, options.binning);
    e.loss = e.calibration.nll;
    if (validation && validation->size() > 0) {
        e.temperature = fitTemperature(*validation);
        e.temperatureFitted = true;
    }
    e.calibrated = e.temperatureFitted ? calibration(e.scores, e.temperature, options.calibrationBins, options.binning)
                                       : e.calibration;
    e.histogram = confidenceHistogram(e.scores, 1.0, options.histogramBins);
    e.errors = misclassified(imageScores(e.scores));
    e.highConfidenceErrors = std::int64_t(aboveConfidence(e.errors, options.highConfidence).size());
    return e;
}

QJsonObject toJson(const Evaluation& e)
{
    QJsonArray perClass;
    for (std::size_t k = 0; k < e.report.perClass.size(); ++k) {
        auto o = scoresJson(e.report.perClass[k]);
        o["class"] = int(k);
        perClass.append(o);
    }
    QJsonArray confusion;
    for (int t = 0; t < e.confusion.numClasses(); ++t) {
        QJsonArray row;
        for (int p = 0; p < e.confusion.numClasses(); ++p)
            row.append(qint64(e.confusion.count(t, p)));
        confusion.append(row);
    }
    QJsonArray pairs;
    for (const auto& p : e.confusion.mostConfused(e.options.confusedPairs))
        pairs.append(QJsonObject{
            {"true", p.trueClass}, {"predicted", p.predictedClass}, {"count", qint64(p.count)}, {"rate", p.rate}});
    QJsonArray correct, incorrect;
    for (std::size_t b = 0; b < e.histogram.correct.size(); ++b) {
        correct.append(qint64(e.histogram.correct[b]));
        incorrect.append(qint64(e.histogram.incorrect[b]));
    }
    return {
        {"split", QString::fromStdString(e.split)},
        {"images", qint64(e.scores.size())},
        {"accuracy", e.accuracy},
        {"loss", e.loss},
        {"errors", qint64(e.errors.size())},
        {"high_confidence_errors", qint64(e.highConfidenceErrors)},
        {"high_confidence_threshold", e.options.highConfidence},
        {"macro", scoresJson(e.report.macro)},
        {"weighted", scoresJson(e.report.weighted)},
        {"per_class", perClass},
        {"confusion", confusion},
        {"most_confused", pairs},
        {"binning", e.options.binning == Binning::Uniform ? "uniform" : "equal-mass"},
        {"calibration", calibrationJson(e.calibration)},
        {"temperature", e.temperature},
        {"temperature_fitted_on", e.temperatureFitted ? "validation" : ""},
        {"calibrated", calibrationJson(e.calibrated)},
        {"confidence_histogram",
         QJsonObject{{"bins", int(e.histogram.correct.size())}, {"correct", correct}, {"incorrect", incorrect}}},
    };
}

void writeConfusionCsv(const QString& path, const ConfusionMatrix& m)
{
    const int c = m.numClasses();
    QByteArray confusion = "true\\predicted";
    for (int p = 0; p < c; ++p)
        confusion += ',' + QByteArray::number(p);
    confusion += ",total\n";
    for (int t = 0; t < c; ++t) {
        confusion += QByteArray::number(t);
        for (int p = 0; p < c; ++p)
            confusion += ',' + QByteArray::number(qint64(m.count(t, p)));
        confusion += ',' + QByteArray::number(qint64(m.rowTotal(t))) + '\n';
    }
    confusion += "total";
    for (int p = 0; p < c; ++p)
        confusion += ',' + QByteArray::number(qint64(m.columnTotal(p)));
    confusion += ',' + QByteArray::number(qint64(m.total())) + '\n';
    writeText(path, confusion);
}

void writeEvaluationFiles(const QString& folder, const Evaluation& e, const QJsonObject& about)
{
    if (!QDir().mkpath(folder))
        throw StudioError("Cannot create the folder " + folder.toStdString() + ".");
    const QDir dir(folder);
    auto metrics = toJson(e);
    for (auto it = about.begin(); it != about.end(); ++it)
        metrics.insert(it.key(), it.value());
    writeText(dir.filePath("metrics.json"), QJsonDocument(metrics).toJson());

    QByteArray perClass = "class,precision,recall,f1,support\n";
    for (std::size_t k = 0; k < e.report.perClass.size(); ++k) {
        const auto& s = e.report.perClass[k];
        perClass += QByteArray::number(qulonglong(k)) + ',' + number(s.precision) + ',' + number(s.recall) + ',' +
                    number(s.f1) + ',' + QByteArray::number(qint64(s.support)) + '\n';
    }
    for (const auto& [name, s] : {std::pair{"macro avg", e.report.macro}, std::pair{"weighted avg", e.report.weighted}})
        perClass += QByteArray(name) + ',' + number(s.precision) + ',' + number(s.recall) + ',' + number(s.f1) + ',' +
                    QByteArray::number(qint64(s.support)) + '\n';
    writeText(dir.filePath("per_class.csv"), perClass);

    writeConfusionCsv(dir.filePath("confusion.csv"), e.confusion);

    writePredictionsCsv(dir.filePath("predictions.csv"), e.scores);

    QByteArray errors = "index,label,pred,confidence,loss,entropy,margin\n";
    for (const auto& s : e.errors)
        errors += QByteArray::number(qint64(s.index)) + ',' + QByteArray::number(s.label) + ',' +
                  QByteArray::number(s.predicted) + ',' + number(s.confidence) + ',' + number(s.loss) + ',' +
                  number(s.entropy) + ',' + number(s.margin) + '\n';
    writeText(dir.filePath("errors.csv"), errors);
}

} // namespace studio
