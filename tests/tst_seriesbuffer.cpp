// The live charts' data path: TensorBoard smoothing and min/max decimation, against hand-computed
// values and a brute-force reference.
#include "ChartStyle.h"
#include "SeriesBuffer.h"
#include "support/TestMain.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace studio::ui;

namespace {

SeriesBuffer bufferOf(const std::vector<double>& values)
{
    SeriesBuffer b;
    for (std::size_t i = 0; i < values.size(); ++i)
        b.append({double(i), double(i) / 10, double(i) * 0.5, values[i]});
    return b;
}

} // namespace

class TestSeriesBuffer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void smoothingMatchesTensorBoardByHand();
    void zeroWeightIsRawAndNanIsSkipped();
    void decimationKeepsEveryColumnsExtremes();
    void fewPointsAreAllKept();
    void xAxesAndInvalidPoints();
    void valueRangesAreRoundAndBounded();
};

void TestSeriesBuffer::smoothingMatchesTensorBoardByHand()
{
    // w = 0.5: s1 = 0.5/0.5 = 1; s2 = (0.25 + 1)/0.75 = 1.6667; s3 = (0.625 + 1.5)/0.875 = 2.428571
    const auto s = bufferOf({1, 2, 3}).smoothed(0.5);
    QCOMPARE(s.size(), std::size_t(3));
    QVERIFY(std::abs(s[0] - 1.0) < 1e-12);
    QVERIFY(std::abs(s[1] - 5.0 / 3.0) < 1e-12);
    QVERIFY(std::abs(s[2] - 2.125 / 0.875) < 1e-12);
    // A constant series stays constant at any weight (the debiasing at work).
    for (double v : bufferOf({4, 4, 4, 4, 4}).smoothed(0.9))
        QVERIFY(std::abs(v - 4.0) < 1e-12);
}

void TestSeriesBuffer::zeroWeightIsRawAndNanIsSkipped()
{
    const auto raw = bufferOf({3, 1, 2}).smoothed(0.0);
    QCOMPARE(raw, (std::vector<double>{3, 1, 2}));
    const auto s = bufferOf({1, std::nan(""), 3}).smoothed(0.5);
    QVERIFY(std::isnan(s[1]));
    QVERIFY(std::abs(s[2] - (0.5 * 0.5 + 0.5 * 3) / 0.75) < 1e-12); // NaN did not count as a sample
}

void TestSeriesBuffer::decimationKeepsEveryColumnsExtremes()
{
    std::vector<double> values;
    for (int i = 0; i < 10000; ++i)
        values.push_back(std::sin(i * 0.01) + (i == 4321 ? 50.0 : 0.0) - (i == 777 ? 20.0 : 0.0));
    const auto buffer = bufferOf(values);
    const int columns = 100;
    const auto shown = buffer.display(XAxis::Step, 0.0, columns, 0, 9999, false);
    QVERIFY2(shown.size() <= 2 * columns, qPrintable(QString::number(shown.size())));
    for (int i = 1; i < shown.size(); ++i)
        QVERIFY(shown[i].x() >= shown[i - 1].x());
    // Brute force: every column's minimum and maximum are among the drawn points.
    for (int c = 0; c < columns; ++c) {
        double lo = std::numeric_limits<double>::infinity(), hi = -lo;
        for (int i = 0; i < 10000; ++i)
            if (std::min(columns - 1, int(std::floor(i / 9999.0 * columns))) == c) {
                lo = std::min(lo, values[std::size_t(i)]);
                hi = std::max(hi, values[std::size_t(i)]);
            }
        bool hasLo = false, hasHi = false;
        for (const auto& p : shown) {
            hasLo = hasLo || p.y() == lo;
            hasHi = hasHi || p.y() == hi;
        }
        QVERIFY2(hasLo && hasHi, qPrintable(QString("column %1").arg(c)));
    }
    QVERIFY(std::any_of(shown.begin(), shown.end(), [](const QPointF& p) { return p.x() == 4321 && p.y() > 49; }));
    QVERIFY(std::any_of(shown.begin(), shown.end(), [](const QPointF& p) { return p.x() == 777 && p.y() < -19; }));
}

void TestSeriesBuffer::fewPointsAreAllKept()
{
    const auto shown = bufferOf({0.5, 0.4, 0.3, 0.35}).display(XAxis::Step, 0.0, 800, 0, 100, false);
    QCOMPARE(shown.size(), 4);
    QCOMPARE(shown[3], QPointF(3, 0.35));
}

void TestSeriesBuffer::xAxesAndInvalidPoints()
{
    SeriesBuffer b;
    b.append({10, 1.0, std::nan(""), 0.5}); // no wall time (a planned schedule)
    b.append({20, 2.0, 8.0, -1.0});
    b.append({30, 3.0, 9.0, 0.25});
    QCOMPARE(b.display(XAxis::Epoch, 0, 500, 0, 3, false).size(), 3);
    QCOMPARE(b.display(XAxis::Epoch, 0, 500, 0, 3, false)[1], QPointF(2.0, -1.0));
    const auto byTime = b.display(XAxis::WallTime, 0, 500, 0, 10, false);
    QCOMPARE(byTime.size(), 2); // the NaN-time point is left out
    QCOMPARE(byTime[0], QPointF(8.0, -1.0));
    const auto log = b.display(XAxis::Step, 0, 500, 0, 30, true);
    QCOMPARE(log.size(), 2); // a value ≤ 0 has no place on a log axis
    QCOMPARE(log[1], QPointF(30, 0.25));
}

void TestSeriesBuffer::valueRangesAreRoundAndBounded()
{
    // Loss 0.05..2.3: padded by 6 % of 2.25, step 0.5 -> [-0.5, 2.5], but a loss is never negative.
    const auto loss = niceRange(0.05, 2.3, 0.0, std::nan(""));
    QCOMPARE(loss.step, 0.5);
    QCOMPARE(loss.low, 0.0);
    QCOMPARE(loss.high, 2.5);
    // Accuracy 10..97 % stays within 0..100.
    const auto accuracy = niceRange(10, 97, 0, 100);
    QCOMPARE(accuracy.step, 20.0);
    QCOMPARE(accuracy.low, 0.0);
    QCOMPARE(accuracy.high, 100.0);
    // A generalisation gap may be negative; a flat series still gets a span.
    const auto gap = niceRange(-33, -5, std::nan(""), std::nan(""));
    QVERIFY(gap.low <= -33 && gap.high >= -5);
    const auto flat = niceRange(3, 3, std::nan(""), std::nan(""));
    QVERIFY(flat.low < 3 && flat.high > 3);
    // A constant learning rate of 0.001 fills the axis from 0: 0..0.0012 in steps of 0.0002 (not 0..0.06).
    const auto constant = niceRange(0.001, 0.001, 0.0, std::nan(""));
    QCOMPARE(constant.low, 0.0);
    QVERIFY2(std::abs(constant.high - 0.0012) < 1e-12 && std::abs(constant.step - 0.0002) < 1e-12,
             qPrintable(QString("%1..%2 step %3").arg(constant.low).arg(constant.high).arg(constant.step)));
}

STUDIO_TEST_GUILESS_MAIN(TestSeriesBuffer)
#include "tst_seriesbuffer.moc"
