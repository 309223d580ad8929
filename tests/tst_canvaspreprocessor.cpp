#include "inference/CanvasPreprocessor.h"

#include "models/Predictions.h"
#include "support/SyntheticData.h"
#include "training/Trainer.h"
#include "support/TestMain.h"

#include <opencv2/imgproc.hpp>

#include <QTemporaryDir>
#include <QTest>

#include <random>

using namespace studio;

namespace {

/// A "7" drawn with thick strokes on a large canvas at an offset (white ink on black).
cv::Mat drawSeven(int size, cv::Point offset, int scale)
{
    cv::Mat canvas = cv::Mat::zeros(size, size, CV_8U);
    cv::line(canvas, offset, offset + cv::Point(10 * scale, 0), cv::Scalar(255), 2 * scale, cv::LINE_AA);
    cv::line(canvas, offset + cv::Point(10 * scale, 0), offset + cv::Point(3 * scale, 18 * scale), cv::Scalar(255),
             2 * scale, cv::LINE_AA);
    return canvas;
}

cv::Point2d centreOfMass(const cv::Mat& m)
{
    const auto mo = cv::moments(m, false);
    return {mo.m10 / mo.m00, mo.m01 / mo.m00};
}

cv::Point2d apply(const cv::Matx23d& t, cv::Point2d p)
{
    return {t(0, 0) * p.x + t(0, 1) * p.y + t(0, 2), t(1, 0) * p.x + t(1, 1) * p.y + t(1, 2)};
}

/// An N×28×28 uint8 tensor as one 28×28 CV_8U image.
cv::Mat digit(const torch::Tensor& images, std::int64_t i)
{
    const auto one = images[i].contiguous();
    return cv::Mat(28, 28, CV_8U, one.data_ptr<std::uint8_t>()).clone();
}

} // namespace

class TestCanvasPreprocessor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void centresTheMassAndFitsTwentyPixels_data();
    void centresTheMassAndFitsTwentyPixels();
    void darkInkOnLightPaperGivesTheSameImage();
    void emptyCanvasIsReportedEmpty();
    void transformMapsTheDrawingOntoTheInput();
    void upscaledMnistDigitsKeepTheModelsAccuracy();
};

void TestCanvasPreprocessor::centresTheMassAndFitsTwentyPixels_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<int>("x");
    QTest::addColumn<int>("y");
    QTest::addColumn<int>("scale");
    QTest::newRow("small, top-left") << 280 << 20 << 30 << 4;
    QTest::newRow("large, bottom-right") << 600 << 300 << 280 << 15;
    QTest::newRow("tiny") << 64 << 10 << 10 << 1;
}

void TestCanvasPreprocessor::centresTheMassAndFitsTwentyPixels()
{
    QFETCH(int, size);
    QFETCH(int, x);
    QFETCH(int, y);
    QFETCH(int, scale);
    const auto r = CanvasPreprocessor::process(drawSeven(size, {x, y}, scale));
    QVERIFY(!r.empty);
    QVERIFY(!r.inverted);
    QCOMPARE(r.image.rows, 28);
    QCOMPARE(r.image.cols, 28);
    const auto com = centreOfMass(r.image);
    QVERIFY2(std::abs(com.x - 14.0) < 0.6 && std::abs(com.y - 14.0) < 0.6,
             qPrintable(QString("centre of mass %1,%2").arg(com.x).arg(com.y)));
    cv::Mat mask;
    cv::threshold(r.image, mask, 30, 255, cv::THRESH_BINARY);
    const auto box = cv::boundingRect(mask);
    QVERIFY2(box.height >= 18 && box.height <= 22, qPrintable(QString::number(box.height))); // longer side ≈ 20
    QVERIFY(box.width < box.height);                                                         // aspect kept
}

void TestCanvasPreprocessor::darkInkOnLightPaperGivesTheSameImage()
{
    const auto light = drawSeven(300, {50, 40}, 5);
    cv::Mat paper;
    cv::bitwise_not(light, paper);
    const auto a = CanvasPreprocessor::process(light);
    const auto b = CanvasPreprocessor::process(paper);
    QVERIFY(b.inverted);
    QCOMPARE(cv::norm(a.image, b.image, cv::NORM_INF), 0.0);
}

void TestCanvasPreprocessor::emptyCanvasIsReportedEmpty()
{
    const auto r = CanvasPreprocessor::process(cv::Mat::zeros(200, 200, CV_8U));
    QVERIFY(r.empty);
    QCOMPARE(cv::countNonZero(r.image), 0);
    cv::Mat white(100, 100, CV_8U, cv::Scalar(255));
    QVERIFY(CanvasPreprocessor::process(white).empty);
}

void TestCanvasPreprocessor::transformMapsTheDrawingOntoTheInput()
{
    const auto canvas = drawSeven(400, {120, 60}, 9);
    const auto r = CanvasPreprocessor::process(canvas);
    // An affine map keeps centres of mass: the drawing's lands where the 28×28 image's is (14, 14).
    const auto mapped = apply(r.toInput, centreOfMass(canvas));
    QVERIFY2(std::hypot(mapped.x - 14.0, mapped.y - 14.0) < 0.5,
             qPrintable(QString("mapped centre %1,%2").arg(mapped.x).arg(mapped.y)));
    // The scale is the one that fits the ink's longer side (18 · 9 + a stroke of 18) into 20 pixels.
    QVERIFY2(r.toInput(0, 0) > 20.0 / (180 + 10) && r.toInput(0, 0) < 20.0 / 180,
             qPrintable(QString::number(r.toInput(0, 0))));
    // Mapping the 28×28 image back onto the canvas puts its ink over the drawing's.
    cv::Mat back = CanvasPreprocessor::mapBack(r.image, r.toInput, canvas.size());
    QCOMPARE(back.size(), canvas.size());
    const auto a = centreOfMass(back), b = centreOfMass(canvas);
    QVERIFY2(std::hypot(a.x - b.x, a.y - b.y) < 9,
             qPrintable(QString("%1,%2 vs %3,%4").arg(a.x).arg(a.y).arg(b.x).arg(b.y)));
    cv::Mat drawn, shown;
    cv::threshold(canvas, drawn, 127, 1, cv::THRESH_BINARY);
    cv::threshold(back, shown, 127, 1, cv::THRESH_BINARY);
    shown.convertTo(shown, CV_8U);
    const double overlap = cv::countNonZero(drawn & shown) / double(cv::countNonZero(drawn | shown));
    QVERIFY2(overlap > 0.6, qPrintable(QString("intersection over union %1").arg(overlap)));
    QCOMPARE(cv::countNonZero(CanvasPreprocessor::mapBack(r.image, {}, canvas.size())), 0); // empty transform
}

void TestCanvasPreprocessor::upscaledMnistDigitsKeepTheModelsAccuracy()
{
    const auto folder = test::mnistFolder();
    if (folder.isEmpty())
        QSKIP("MNIST not fetched (scripts/setup.sh --no-build fetches it)");
    const auto mnist = loadDataset(folder.toStdString());
    TrainConfig c;
    c.model = "simple-cnn";
    c.batchSize = 64;
    c.numEpochs = 2;
    c.limitTrain = 12000;
    c.threads = 2;
    QTemporaryDir dir;
    Trainer trainer(c, mnist, dir.path());
    QCOMPARE(trainer.run().reason, FinishReason::Completed);

    // Each test digit upscaled (×6…×14, 10 on average) onto a 420×420 canvas at a random place,
    // then brought back by the canvas preprocessing.
    const auto originals = mnist.test.head(2000);
    auto redrawn = originals;
    redrawn.images = torch::empty_like(originals.images);
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> scaleOf(6.0, 14.0), unit(0.0, 1.0);
    for (std::int64_t i = 0; i < originals.size(); ++i) {
        const double scale = scaleOf(rng);
        cv::Mat big;
        cv::resize(digit(originals.images, i), big, {}, scale, scale, cv::INTER_LINEAR);
        cv::Mat canvas = cv::Mat::zeros(420, 420, CV_8U);
        const int x = int(unit(rng) * (420 - big.cols)), y = int(unit(rng) * (420 - big.rows));
        big.copyTo(canvas(cv::Rect(x, y, big.cols, big.rows)));
        const auto r = CanvasPreprocessor::process(canvas);
        QVERIFY(!r.empty);
        std::memcpy(redrawn.images[i].data_ptr<std::uint8_t>(), r.image.data, 784);
    }
    const double before = predict(*trainer.model(), originals, mnist.mean, mnist.std).accuracy;
    const double after = predict(*trainer.model(), redrawn, mnist.mean, mnist.std).accuracy;
    qInfo("accuracy on 2000 test digits: %.2f %% as given, %.2f %% upscaled and preprocessed back", before * 100,
          after * 100);
    QVERIFY2(before > 0.9, qPrintable(QString::number(before)));
    QVERIFY2(std::abs(after - before) <= 0.01, qPrintable(QString("%1 vs %2").arg(after).arg(before)));
}

STUDIO_TEST_GUILESS_MAIN(TestCanvasPreprocessor)
#include "tst_canvaspreprocessor.moc"
