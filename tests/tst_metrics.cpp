// Metrics, confusion matrix, calibration and temperature scaling against hand-computed cases.
#include "evaluation/Calibration.h"
#include "evaluation/ClassificationReport.h"
#include "evaluation/ConfusionMatrix.h"
#include "evaluation/Evaluation.h"
#include "evaluation/ImageScores.h"
#include "evaluation/TemperatureScaling.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QTemporaryDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>
#include <random>

using namespace studio;

namespace {

bool near(double a, double b, double tolerance = 1e-9)
{
    return std::abs(a - b) <= tolerance;
}

/// Scores whose softmax is exactly `probs` (logits = log p).
ScoredSet fromProbabilities(const std::vector<std::vector<double>>& probs, const std::vector<int>& labels)
{
    ScoredSet s;
    s.numClasses = int(probs.front().size());
    s.labels = labels;
    for (const auto& row : probs)
        for (double p : row)
            s.logits.push_back(float(std::log(p)));
    return s;
}

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void confusionCountsTotalsAndNormalisations();
    void classificationReportMatchesSklearnByHand();
    void mostConfusedPairsRankByCount();
    void calibrationFiguresByHand();
    void equalMassBinsHoldEqualCounts();
    void confidenceHistogramSplitsCorrectAndIncorrect();
    void classReliabilityUsesTheClassProbability();
    void temperatureScalingLowersNllAndKeepsAccuracy();
    void imageScoresAndHighConfidenceErrors();
    void evaluationFilesHaveTheRightRows();
    void nonFiniteOutputsAreRefusedNotBinned();
};

void TestMetrics::confusionCountsTotalsAndNormalisations()
{
    // Three classes; class 2 never appears as a label.
    const std::vector<int> labels{0, 0, 0, 1, 1, 1, 1};
    const std::vector<int> predicted{0, 0, 1, 1, 1, 2, 0};
    const auto m = ConfusionMatrix::from(labels, predicted, 3);
    QCOMPARE(m.total(), 7);
    QCOMPARE(m.count(0, 0), 2);
    QCOMPARE(m.count(1, 2), 1);
    QCOMPARE(m.rowTotal(1), 4);
    QCOMPARE(m.columnTotal(0), 3);
    QCOMPARE(m.correct(), 4);
    using N = ConfusionMatrix::Normalization;
    for (int t = 0; t < 2; ++t) { // rows with support sum to 1
        double sum = 0;
        for (int p = 0; p < 3; ++p)
            sum += m.value(t, p, N::ByTrue);
        QVERIFY(near(sum, 1.0));
    }
    for (int p = 0; p < 3; ++p) { // every predicted column sums to 1
        double sum = 0;
        for (int t = 0; t < 3; ++t)
            sum += m.value(t, p, N::ByPredicted);
        QVERIFY(near(sum, 1.0));
    }
    double all = 0;
    for (int t = 0; t < 3; ++t)
        for (int p = 0; p < 3; ++p)
            all += m.value(t, p, N::All);
    QVERIFY(near(all, 1.0));
    QCOMPARE(m.value(2, 2, N::ByTrue), 0.0); // no support: 0, not NaN
    QVERIFY(near(m.value(0, 1, N::ByTrue), 1.0 / 3));
    QVERIFY_THROWS_EXCEPTION(std::exception, ConfusionMatrix::from({0, 3}, {0, 0}, 3));
}

void TestMetrics::classificationReportMatchesSklearnByHand()
{
    // labels    0 0 0 1 1 1 1 ; predicted 0 0 1 1 1 2 0
    // class 0: tp 2, fp 1, fn 1 -> P 2/3, R 2/3, F1 2/3, support 3
    // class 1: tp 2, fp 1, fn 2 -> P 2/3, R 1/2, F1 4/7, support 4
    // class 2: tp 0, fp 1, fn 0 -> P 0 (0/1), R 0 (zero division), F1 0, support 0
    // sklearn: macro over {0,1,2} (2 is predicted): P 4/9, R 7/18, F1 (2/3 + 4/7)/3 = 26/63
    //          weighted by support (3, 4, 0): P 2/3, R (2 + 2)/7 = 4/7, F1 (3·2/3 + 4·4/7)/7 = 30/49
    const auto m = ConfusionMatrix::from({0, 0, 0, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 2, 0}, 3);
    const auto r = classificationReport(m);
    QVERIFY(near(r.perClass[0].precision, 2.0 / 3) && near(r.perClass[0].recall, 2.0 / 3));
    QVERIFY(near(r.perClass[1].precision, 2.0 / 3) && near(r.perClass[1].recall, 0.5));
    QVERIFY(near(r.perClass[1].f1, 4.0 / 7));
    QCOMPARE(r.perClass[2].precision, 0.0);
    QCOMPARE(r.perClass[2].recall, 0.0);
    QCOMPARE(r.perClass[2].f1, 0.0);
    QCOMPARE(r.perClass[2].support, 0);
    QVERIFY(near(r.macro.precision, 4.0 / 9));
    QVERIFY(near(r.macro.recall, 7.0 / 18));
    QVERIFY(near(r.macro.f1, 26.0 / 63));
    QVERIFY(near(r.weighted.precision, 2.0 / 3));
    QVERIFY(near(r.weighted.recall, 4.0 / 7));
    QVERIFY(near(r.weighted.f1, 30.0 / 49));
    QVERIFY(near(r.accuracy, 4.0 / 7));
    // A class absent from labels and predictions does not enter the macro average.
    const auto four = classificationReport(ConfusionMatrix::from({0, 0, 0, 1, 1, 1, 1}, {0, 0, 1, 1, 1, 2, 0}, 4));
    QVERIFY(!four.present[3]);
    QVERIFY(near(four.macro.f1, 26.0 / 63));
}

void TestMetrics::mostConfusedPairsRankByCount()
{
    //   true 3 -> 5 three times (of 4), true 4 -> 9 three times (of 10), true 7 -> 1 once
    std::vector<int> labels, predicted;
    const auto add = [&](int t, int p, int n) {
        for (int i = 0; i < n; ++i) {
            labels.push_back(t);
            predicted.push_back(p);
        }
    };
    add(3, 5, 3);
    add(3, 3, 1);
    add(4, 9, 3);
    add(4, 4, 7);
    add(7, 1, 1);
    const auto pairs = ConfusionMatrix::from(labels, predicted, 10).mostConfused();
    QCOMPARE(int(pairs.size()), 3);
    QCOMPARE(pairs[0].trueClass, 3); // same count as 4 -> 9, higher rate
    QCOMPARE(pairs[0].predictedClass, 5);
    QVERIFY(near(pairs[0].rate, 0.75));
    QCOMPARE(pairs[1].trueClass, 4);
    QVERIFY(near(pairs[1].rate, 0.3));
    QCOMPARE(pairs[2].count, 1);
}

void TestMetrics::calibrationFiguresByHand()
{
    // Two classes, four images (probabilities of class 0, all away from bin edges):
    //   .92 (label 0: correct, conf .92)   .75 (label 1: wrong, conf .75)
    //   .28 (label 1: correct, conf .72)   .45 (label 1: correct, conf .55)
    // 2 uniform bins (0, .5], (.5, 1]: all in the second, conf .735, accuracy .75 -> ECE .015
    // 5 bins: (.4,.6] {.55 ok}: gap .45; (.6,.8] {.75 wrong, .72 ok}: |.5 − .735| = .235; (.8,1] {.92}: .08
    //   ECE = (.45 + 2·.235 + .08)/4 = .25, MCE = .45
    // Brier Σ_k (p_k − y_k)²: .0128, 1.125, .1568, .405 -> mean .4249
    const auto s = fromProbabilities({{0.92, 0.08}, {0.75, 0.25}, {0.28, 0.72}, {0.45, 0.55}}, {0, 1, 1, 1});
    const auto two = calibration(s, 1.0, 2);
    QCOMPARE(two.bins[1].count, 4);
    QVERIFY(near(two.bins[1].confidence, 0.735, 1e-6));
    QVERIFY(near(two.ece, 0.015, 1e-6));
    const auto five = calibration(s, 1.0, 5);
    QVERIFY(near(five.ece, 0.25, 1e-6));
    QVERIFY(near(five.mce, 0.45, 1e-6));
    QVERIFY(near(five.brier, 0.4249, 1e-6));
    QVERIFY(near(five.nll, -(std::log(0.92) + std::log(0.25) + std::log(0.72) + std::log(0.55)) / 4, 1e-6));
    QVERIFY(near(five.accuracy, 0.75));
    QCOMPARE(five.bins[0].count, 0); // empty bins are kept
}

void TestMetrics::equalMassBinsHoldEqualCounts()
{
    std::vector<double> confidence;
    std::vector<bool> correct;
    for (int i = 0; i < 100; ++i) {
        confidence.push_back(0.5 + 0.5 * (i * 37 % 100) / 100.0);
        correct.push_back(i % 3 != 0);
    }
    const auto bins = reliabilityBins(confidence, correct, 4, Binning::EqualMass);
    for (const auto& b : bins)
        QCOMPARE(b.count, 25);
    for (std::size_t b = 1; b < bins.size(); ++b)
        QVERIFY(bins[b].lower >= bins[b - 1].upper);
}

void TestMetrics::confidenceHistogramSplitsCorrectAndIncorrect()
{
    const auto s = fromProbabilities({{0.92, 0.08}, {0.75, 0.25}, {0.28, 0.72}, {0.45, 0.55}}, {0, 1, 1, 1});
    const auto h = confidenceHistogram(s, 1.0, 10);
    // correct .92, .72, .55 -> bins (.9,1], (.7,.8], (.5,.6]; incorrect .75 -> (.7,.8]
    QCOMPARE(h.correct[9], 1);
    QCOMPARE(h.correct[7], 1);
    QCOMPARE(h.correct[5], 1);
    QCOMPARE(h.incorrect[7], 1);
    std::int64_t total = 0;
    for (std::size_t b = 0; b < 10; ++b)
        total += h.correct[b] + h.incorrect[b];
    QCOMPARE(total, 4);
}

void TestMetrics::classReliabilityUsesTheClassProbability()
{
    // Class 1's probability: .08, .25, .72, .55 with labels 0, 1, 1, 1; 2 bins (0,.5], (.5,1]:
    // low bin {.08 (not 1), .25 (is 1)}: conf .165, "accuracy" .5; high bin {.72, .55}: both class 1
    const auto s = fromProbabilities({{0.92, 0.08}, {0.75, 0.25}, {0.28, 0.72}, {0.45, 0.55}}, {0, 1, 1, 1});
    const auto bins = classReliability(s, 1, 1.0, 2);
    QCOMPARE(bins[0].count, 2);
    QVERIFY(near(bins[0].confidence, 0.165, 1e-6));
    QVERIFY(near(bins[0].accuracy, 0.5));
    QCOMPARE(bins[1].count, 2);
    QVERIFY(near(bins[1].accuracy, 1.0));
}

void TestMetrics::temperatureScalingLowersNllAndKeepsAccuracy()
{
    // Over-confident: logits scaled ×6 on a task that is right 80 % of the time.
    std::mt19937 rng(7);
    std::normal_distribution<float> noise(0.0f, 1.0f);
    ScoredSet s;
    s.numClasses = 10;
    for (int i = 0; i < 2000; ++i) {
        const int label = i % 10;
        const int top = i % 5 == 0 ? (label + 1) % 10 : label;
        s.labels.push_back(label);
        for (int k = 0; k < 10; ++k)
            s.logits.push_back(6.0f * ((k == top ? 2.0f : 0.0f) + 0.3f * noise(rng)));
    }
    const double t = fitTemperature(s);
    QVERIFY2(t > 2.0, qPrintable(QString::number(t))); // it cools the logits down
    QVERIFY(meanNll(s, t) < meanNll(s, 1.0));
    // A minimum: a little warmer or cooler is worse.
    QVERIFY(meanNll(s, t) <= meanNll(s, t * 1.05));
    QVERIFY(meanNll(s, t) <= meanNll(s, t / 1.05));
    QCOMPARE(calibration(s, t).accuracy, calibration(s, 1.0).accuracy);
    QVERIFY(calibration(s, t).ece < calibration(s, 1.0).ece);
}

void TestMetrics::imageScoresAndHighConfidenceErrors()
{
    const auto s = fromProbabilities({{0.95, 0.03, 0.02}, {0.5, 0.3, 0.2}, {0.1, 0.2, 0.7}}, {1, 0, 2});
    const auto all = imageScores(s);
    QCOMPARE(all[0].predicted, 0);
    QVERIFY(near(all[0].confidence, 0.95, 1e-6));
    QVERIFY(near(all[0].margin, 0.92, 1e-6));
    QVERIFY(near(all[0].loss, -std::log(0.03), 1e-5));
    QVERIFY(near(all[1].entropy, -(0.5 * std::log(0.5) + 0.3 * std::log(0.3) + 0.2 * std::log(0.2)), 1e-6));
    const auto errors = misclassified(all);
    QCOMPARE(int(errors.size()), 1);
    QCOMPARE(errors[0].index, 0);
    QCOMPARE(int(aboveConfidence(errors).size()), 1);
    QCOMPARE(int(aboveConfidence(errors, 0.96).size()), 0);
    auto byLoss = all;
    sortImages(byLoss, ImageOrder::Loss);
    QCOMPARE(byLoss.front().index, 0);
    QCOMPARE(byLoss.back().index, 2);
}

void TestMetrics::evaluationFilesHaveTheRightRows()
{
    const auto s = fromProbabilities({{0.92, 0.08}, {0.75, 0.25}, {0.28, 0.72}, {0.45, 0.55}}, {0, 1, 1, 1});
    const auto e = analyse("test", s, &s);
    QVERIFY(e.temperatureFitted);
    QTemporaryDir dir;
    writeEvaluationFiles(dir.path(), e);
    const auto lines = [&](const QString& name) {
        QFile f(dir.filePath(name));
        return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts)
                                           : QStringList{};
    };
    QCOMPARE(lines("predictions.csv").size(), 1 + 4);
    QCOMPARE(lines("predictions.csv")[0], QString("index,label,pred,p0,p1"));
    QCOMPARE(lines("per_class.csv").size(), 1 + 2 + 2);
    QCOMPARE(lines("confusion.csv").size(), 1 + 2 + 1);
    QCOMPARE(lines("confusion.csv").last(), QString("total,2,2,4"));
    QCOMPARE(lines("errors.csv").size(), 1 + 1);
    QFile json(dir.filePath("metrics.json"));
    QVERIFY(json.open(QIODevice::ReadOnly));
    const auto metrics = QJsonDocument::fromJson(json.readAll()).object();
    QCOMPARE(metrics["accuracy"].toDouble(), 0.75);
    QCOMPARE(metrics["errors"].toInt(), 1);
    QVERIFY(metrics["calibrated"].toObject()["nll"].toDouble() <= metrics["calibration"].toObject()["nll"].toDouble());
}

void TestMetrics::nonFiniteOutputsAreRefusedNotBinned()
{
    auto s = fromProbabilities({{0.9, 0.1}, {0.3, 0.7}, {0.6, 0.4}}, {0, 1, 1});
    s.logits[2] = std::nanf("");
    s.logits[5] = INFINITY;
    try {
        analyse("test", s, nullptr);
        QFAIL("NaN outputs were scored");
    } catch (const StudioError& e) {
        QCOMPARE(QString(e.what()), QString("The model's outputs are NaN or infinite for 2 of 3 test images (the first "
                                            "is image 1); its weights or inputs are broken, so nothing was scored."));
    }
    // The binning itself refuses NaN (it used to compute int(NaN), undefined behaviour).
    QVERIFY_THROWS_EXCEPTION(StudioError, reliabilityBins({0.5, std::nan("")}, {true, false}, 10, Binning::Uniform));
    QVERIFY_THROWS_EXCEPTION(StudioError, reliabilityBins({std::nan(""), 0.5}, {true, false}, 2, Binning::EqualMass));
    QVERIFY_THROWS_EXCEPTION(StudioError, confidenceHistogram(s, 1.0, 10));
}

STUDIO_TEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
