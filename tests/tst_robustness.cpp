// The robustness sweep: each perturbation checked on hand-made images, and a sweep of a trained
// model whose batched answers, flip points and neutral steps are checked against single forwards.
#include "data/ImageTensor.h"
#include "inference/Predictor.h"
#include "inference/Robustness.h"
#include "inference/WorstCase.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

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
    void translationAndRotationAreSymmetricAboutTheCentre();
    void combinedChangeComposesTheAxes();
    void worstCaseFlipsWithTheSmallestChangeFound();
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
    const auto data = test::syntheticDataset(20, 2);
    const auto checkpoint = test::trainCheckpoint("simple-cnn", data, dir.path());
    QVERIFY(!checkpoint.isEmpty());
    const Predictor predictor(checkpoint);
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

void TestRobustness::translationAndRotationAreSymmetricAboutTheCentre()
{
    // A plus sign centred in the frame is its own mirror image: bending it by +d must give the
    // mirror image of bending it by −d, at every step the sweep takes (fractional pixels included).
    cv::Mat plus = blank();
    plus(cv::Rect(12, 6, 4, 16)).setTo(255);
    plus(cv::Rect(6, 12, 16, 4)).setTo(255);
    for (const auto kind : {Perturbation::ShiftX, Perturbation::Rotation}) {
        const auto& range = perturbationRanges()[std::size_t(kind)];
        for (int i = 0; i <= 20; ++i) {
            const double d = range.high * i / 20.0;
            cv::Mat mirrored;
            cv::flip(perturb(plus, kind, d), mirrored, 1);
            // OpenCV's warp quantises positions to 1/32 px: turns round a little differently each way
            const double tolerance = kind == Perturbation::Rotation ? 8 : 1;
            QVERIFY2(cv::norm(mirrored, perturb(plus, kind, -d), cv::NORM_INF) <= tolerance,
                     (range.name + " " + std::to_string(d)).c_str());
        }
    }
    // Up and down likewise, about the horizontal axis.
    for (int i = 0; i <= 20; ++i) {
        cv::Mat mirrored;
        cv::flip(perturb(plus, Perturbation::ShiftY, 0.3 * i), mirrored, 0);
        QVERIFY(cv::norm(mirrored, perturb(plus, Perturbation::ShiftY, -0.3 * i), cv::NORM_INF) <= 1);
    }
}

void TestRobustness::combinedChangeComposesTheAxes()
{
    const auto image = bar();
    QCOMPARE(cv::norm(perturb(image, neutralChange()), image, cv::NORM_INF), 0.0);
    QCOMPARE(changeSize(neutralChange()), 0.0);
    QCOMPARE(describeChange(neutralChange()), std::string("no change"));
    // One amount away from neutral: exactly that perturbation alone.
    for (const auto& range : perturbationRanges()) {
        auto change = neutralChange();
        change[std::size_t(range.kind)] = range.high;
        QVERIFY2(cv::norm(perturb(image, change), perturb(image, range.kind, range.high), cv::NORM_INF) == 0,
                 range.name.c_str());
        QCOMPARE(changeSize(change), 1.0); // a full reach of one axis
    }
    // Two whole-pixel shifts compose into a diagonal move; sizes add in quadrature.
    cv::Mat dot = blank();
    dot.at<std::uint8_t>(10, 9) = 255;
    auto change = neutralChange();
    change[std::size_t(Perturbation::ShiftX)] = 3;
    change[std::size_t(Perturbation::ShiftY)] = -4;
    QCOMPARE(int(perturb(dot, change).at<std::uint8_t>(6, 12)), 255);
    QCOMPARE(changeSize(change), std::sqrt(0.25 + 4.0 / 9.0));
    QCOMPARE(describeChange(change), std::string("shift x +3.0 px, shift y \u22124.0 px"));
    QVERIFY_THROWS_EXCEPTION(StudioError, perturb(image, Change{1.0, 2.0}));
}

void TestRobustness::worstCaseFlipsWithTheSmallestChangeFound()
{
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(40, 4);
    const auto checkpoint = test::trainCheckpoint("simple-cnn", data, dir.path(), 2);
    QVERIFY(!checkpoint.isEmpty());
    const Predictor predictor(checkpoint);
    int found = 0;
    for (int index : {0, 1, 2, 3}) {
        const auto image = matFromTensor(data.test.images[index]);
        const cv::Mat before = image.clone();
        const auto worst = findWorstCase(predictor, image);
        QCOMPARE(cv::norm(image, before, cv::NORM_INF), 0.0); // the search bends copies only
        const auto sweep = sweepRobustness(predictor, image, 41);
        QCOMPARE(worst.original, sweep.original);
        // The smallest single-axis flip of the sweep, as a change size.
        double smallestAxis = std::numeric_limits<double>::infinity();
        for (const auto& axis : sweep.axes)
            for (double flip : {axis.flipBelow, axis.flipAbove})
                if (!std::isnan(flip)) {
                    auto change = neutralChange();
                    change[std::size_t(axis.range.kind)] = flip;
                    smallestAxis = std::min(smallestAxis, changeSize(change));
                }
        if (!worst.found) {
            QVERIFY2(std::isinf(smallestAxis), "a sweep flipped where the search found nothing");
            continue;
        }
        ++found;
        // What it shows is what it says: the image is the change applied, and the model's answer to
        // it differs from the original's.
        QCOMPARE(cv::norm(worst.image, perturb(image, worst.change), cv::NORM_INF), 0.0);
        const auto p = predictor.probabilities(worst.image);
        const int predicted = int(std::max_element(p.begin(), p.end()) - p.begin());
        QCOMPARE(worst.predicted, predicted);
        QVERIFY(predicted != worst.original);
        QVERIFY(std::abs(worst.confidence - p[std::size_t(predicted)]) < 1e-6);
        QCOMPARE(worst.size, changeSize(worst.change));
        // No bigger than the smallest flip along one axis (the search includes every axis alone and
        // refines it below the sweep's 1/20-of-a-range steps).
        QVERIFY2(worst.size <= smallestAxis + 1e-9,
                 (std::to_string(worst.size) + " > " + std::to_string(smallestAxis)).c_str());
        QVERIFY(worst.evaluated > 100);
    }
    QVERIFY2(found > 0, "no synthetic image flipped anywhere");
}

STUDIO_TEST_GUILESS_MAIN(TestRobustness)
#include "tst_robustness.moc"
