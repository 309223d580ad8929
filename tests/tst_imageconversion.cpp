// The one pixel-conversion rule: QImage, bytes, cv::Mat and tensors cross by copy, whatever the
// row stride.
#include "DigitImage.h"

#include "data/ImageTensor.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QTest>

using namespace studio;

class TestImageConversion : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void paddedRowsSurviveEveryHop();
    void conversionsCopy();
    void transparencyIsPaper();
};

void TestImageConversion::paddedRowsSurviveEveryHop()
{
    QImage image(30, 7, QImage::Format_Grayscale8); // 30 bytes of pixels in 32-byte rows
    QVERIFY(image.bytesPerLine() > image.width());
    for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 30; ++x)
            image.scanLine(y)[x] = static_cast<uchar>(y * 30 + x);
    const auto mat = matFromBytes(image.constBits(), 7, 30, std::size_t(image.bytesPerLine()));
    const auto tensor = tensorFromMat(mat);
    QCOMPARE(tensor.sizes().vec(), (std::vector<std::int64_t>{7, 30}));
    QCOMPARE(tensor[6][29].item<int>(), 209);
    const auto back = matFromTensor(tensor);
    const auto again = ui::grayImage(back.data, back.cols, back.rows, int(back.step));
    QCOMPARE(again, image);
    // A region of a larger matrix (rows not contiguous) converts as its own pixels.
    const cv::Mat roi = mat(cv::Rect(2, 1, 5, 3));
    QVERIFY(!roi.isContinuous());
    QCOMPARE(tensorFromMat(roi)[0][0].item<int>(), 32);
    QCOMPARE(bytesFromTensor(tensorFromMat(roi)).size(), std::size_t(15));
    QCOMPARE(tensorFromBytes(bytesFromTensor(tensor).data(), {7, 30}).equal(tensor), true);
    QVERIFY_THROWS_EXCEPTION(StudioError, tensorFromMat(cv::Mat(3, 3, CV_32F)));
}

void TestImageConversion::conversionsCopy()
{
    std::vector<std::uint8_t> bytes(28 * 28, 7);
    const auto tensor = tensorFromBytes(bytes.data(), {28, 28});
    const auto image = ui::digitImage(bytes.data());
    const auto mat = matFromBytes(bytes.data(), 28, 28, 28);
    bytes.assign(bytes.size(), 200); // the source changes (or goes away): the results keep their pixels
    QCOMPARE(tensor[5][5].item<int>(), 7);
    QCOMPARE(qGray(image.pixel(5, 5)), 7);
    QCOMPARE(int(mat.at<std::uint8_t>(5, 5)), 7);
}

void TestImageConversion::transparencyIsPaper()
{
    QImage image(4, 4, QImage::Format_ARGB32);
    image.fill(Qt::transparent);
    image.setPixelColor(1, 1, Qt::black);
    const auto gray = ui::grayOnWhite(image);
    QCOMPARE(gray.format(), QImage::Format_Grayscale8);
    QCOMPARE(qGray(gray.pixel(0, 0)), 255);
    QCOMPARE(qGray(gray.pixel(1, 1)), 0);
}

STUDIO_TEST_MAIN(TestImageConversion)
#include "tst_imageconversion.moc"
