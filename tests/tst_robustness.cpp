// The robustness sweep: each perturbation checked on hand-made images, and a sweep of a trained
// model whose batched answers, flip points and neutral steps are checked against single forwards.
#include "data/ImageTensor.h"
#include "inference/Predictor.h"
#include "inference/Robustness.h"
#include "support/SyntheticData.h"
#include "training/Trainer.h"
#include "util/StudioError.h"

#include <opencv2/core.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace studio;

namespace {

cv::Mat blank()
{
    return cv::Mat::zeros(28, 28, CV_8UC1);
}

/// A horizontal bar, 12 px long and 2 px thick, through the centre.
cv::Mat bar()
{
    cv::Mat m = blank();
    m(cv::Rect(8, 13, 12, 2)).setTo(255);
    return m;
}

double ink(const cv::Mat& m)
{
    return cv::sum(m)[0] / 255.0;
}

} // namespace

class TestRobustness : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void neutralAmountsLeaveTheImage();
    void eachPerturbationDoesWhatItSays();
    void sweepIsOneBatchOfSingleAnswers();
};

void TestRobustness::neutralAmountsLeaveTheImage()
{
    const auto image = bar();
    QCOMPARE(int(perturbationRanges().size()), 6);
    for (const auto& range : perturbationRanges()) {
        QVERIFY2(cv::norm(perturb(image, range.kind, range.neutral), image, cv::NORM_INF) == 0, range.name.c_str());
        QVERIFY(range.low <= range.neutral && range.neutral <= range.high);
    }
    QVERIFY_THROWS_EXCEPTION(StudioError, perturb(cv::Mat::zeros(20, 28, CV_8UC1), Perturbation::Scale, 1.0));
}

void TestRobustness::eachPerturbationDoesWhatItSays()
{
    // A single pixel moves by whole shifts exactly.
    cv::Mat dot = blank();
    dot.at<std::uint8_t>(10, 9) = 255;
    QCOMPARE(int(perturb(dot, Perturbation::ShiftX, 3).at<std::uint8_t>(10, 12)), 255);
    QCOMPARE(int(perturb(dot, Perturbation::ShiftY, -4).at<std::uint8_t>(6, 9)), 255);
    // Half a pixel: split between the two neighbours (bilinear).
    const auto half = perturb(dot, Perturbation::ShiftX, 0.5);
    QVERIFY(std::abs(half.at<std::uint8_t>(10, 9) - 128) <= 1 && std::abs(half.at<std::uint8_t>(10, 10) - 128) <= 1);
    // A quarter turn stands the bar up: its ink goes from rows to columns around the centre.
    const auto turned = perturb(bar(), Perturbation::Rotation, 90);
    QCOMPARE(cv::countNonZero(turned.row(14)), 2);
    QVERIFY(cv::countNonZero(turned.col(13)) + cv::countNonZero(turned.col(14)) >= 20);
    QVERIFY(std::abs(ink(turned) - ink(bar())) < 1.0);
    // Half the size: a quarter of the ink (a 6×1 bar's worth, blurred).
    QVERIFY(std::abs(ink(perturb(bar(), Perturbation::Scale, 0.5)) - ink(bar()) / 4) < 1.5);
    // Thickness: a pixel of dilation thickens the bar to 4 rows, of erosion removes it (2 px thick);
    // half a pixel lies between.
    QCOMPARE(cv::countNonZero(perturb(bar(), Perturbation::Thickness, 1).col(14)), 4);
    QCOMPARE(cv::countNonZero(perturb(bar(), Perturbation::Thickness, -1)), 0);
    const double thin = ink(bar()), thick = ink(perturb(bar(), Perturbation::Thickness, 1));
    QVERIFY(std::abs(ink(perturb(bar(), Perturbation::Thickness, 0.5)) - (thin + thick) / 2) < 1.0);
    // Noise: the same pattern every time, growing with σ, clipped to the pixel range.
    const auto a = perturb(bar(), Perturbation::Noise, 0.2), b = perturb(bar(), Perturbation::Noise, 0.2);
    QCOMPARE(cv::norm(a, b, cv::NORM_INF), 0.0);
    QVERIFY(cv::norm(perturb(bar(), Perturbation::Noise, 0.4), bar(), cv::NORM_L1) > cv::norm(a, bar(), cv::NORM_L1));
}

void TestRobustness::sweepIsOneBatchOfSingleAnswers()
{
    QTemporaryDir dir;
    TrainConfig c;
    c.model = "simple-cnn";
    c.numEpochs = 1;
    c.batchSize = 32;
    c.threads = 1;
    const auto data = test::syntheticDataset(20, 2);
    Trainer trainer(c, data, dir.path());
    QCOMPARE(trainer.run().reason, FinishReason::Completed);
    const Predictor predictor(trainer.bestPath());
    const auto image = matFromTensor(data.test.images[3]);
    const auto sweep = sweepRobustness(predictor, image, 41);
    const auto alone = predictor.probabilities(image);
    QCOMPARE(sweep.original, int(std::max_element(alone.begin(), alone.end()) - alone.begin()));
    QCOMPARE(int(sweep.axes.size()), 6);
    const auto c10 = std::size_t(sweep.numClasses);
    QCOMPARE(int(c10), 10);
    for (const auto& axis : sweep.axes) {
        QCOMPARE(int(axis.amounts.size()), 41);
        QCOMPARE(axis.amounts.front(), axis.range.low);
        QCOMPARE(axis.amounts.back(), axis.range.high);
        QVERIFY(std::is_sorted(axis.amounts.begin(), axis.amounts.end()));
        const auto neutral =
            std::size_t(std::find(axis.amounts.begin(), axis.amounts.end(), axis.range.neutral) - axis.amounts.begin());
        QVERIFY2(neutral < 41, axis.range.name.c_str());
        QCOMPARE(axis.predicted[neutral], sweep.original);
        // Every step's row is what a forward of that one image gives, and sums to 1.
        for (std::size_t i : {std::size_t(0), neutral, std::size_t(17), std::size_t(40)}) {
            const auto single = predictor.probabilities(perturb(image, axis.range.kind, axis.amounts[i]));
            double sum = 0;
            for (std::size_t k = 0; k < c10; ++k) {
                QVERIFY(std::abs(axis.probabilities[i * c10 + k] - single[k]) < 1e-5);
                sum += axis.probabilities[i * c10 + k];
            }
            QVERIFY(std::abs(sum - 1.0) < 1e-5);
        }
        // The flip points: the nearest steps to the neutral one where the answer changes.
        double above = std::nan(""), below = std::nan("");
        for (std::size_t i = neutral + 1; i < 41; ++i)
            if (axis.predicted[i] != sweep.original) {
                above = axis.amounts[i];
                break;
            }
        for (std::size_t i = neutral; i-- > 0;)
            if (axis.predicted[i] != sweep.original) {
                below = axis.amounts[i];
                break;
            }
        QVERIFY(std::isnan(above) ? std::isnan(axis.flipAbove) : axis.flipAbove == above);
        QVERIFY(std::isnan(below) ? std::isnan(axis.flipBelow) : axis.flipBelow == below);
    }
    // A 6 px shift or a 45° turn takes a synthetic block somewhere else: some axis flips.
    QVERIFY(std::any_of(sweep.axes.begin(), sweep.axes.end(),
                        [](const auto& a) { return !std::isnan(a.flipAbove) || !std::isnan(a.flipBelow); }));
    QVERIFY_THROWS_EXCEPTION(StudioError, sweepRobustness(predictor, image, 40));
}

QTEST_GUILESS_MAIN(TestRobustness)
#include "tst_robustness.moc"
