#include "inference/CanvasPreprocessor.h"

#include <opencv2/imgproc.hpp>

#include <QTest>

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

} // namespace

class TestCanvasPreprocessor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void centresTheMassAndFitsTwentyPixels_data();
    void centresTheMassAndFitsTwentyPixels();
    void darkInkOnLightPaperGivesTheSameImage();
    void emptyCanvasIsReportedEmpty();
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

QTEST_GUILESS_MAIN(TestCanvasPreprocessor)
#include "tst_canvaspreprocessor.moc"
