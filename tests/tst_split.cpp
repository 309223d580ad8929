#include "data/Split.h"
#include "support/TestMain.h"

#include <QTest>

using namespace studio;

class TestSplit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameSplit();
    void partitionsAllIndicesWithRoundedValidationSize();
    void differentSeedsDiffer();
    void rejectsFractionOutsideRange();
};

void TestSplit::sameSeedSameSplit()
{
    const auto a = splitTrainValidation(60000, 0.1, 42);
    const auto b = splitTrainValidation(60000, 0.1, 42);
    QVERIFY(torch::equal(a.train, b.train));
    QVERIFY(torch::equal(a.validation, b.validation));
}

void TestSplit::partitionsAllIndicesWithRoundedValidationSize()
{
    const auto s = splitTrainValidation(1001, 0.1, 7);
    QCOMPARE(s.validation.size(0), 100); // round(100.1)
    QCOMPARE(s.train.size(0), 901);
    const auto all = std::get<0>(torch::cat({s.train, s.validation}).sort());
    QVERIFY(torch::equal(all, torch::arange(1001, torch::kInt64)));
    // Not simply the first or last indices: the split is shuffled.
    QVERIFY(s.validation.max().item<std::int64_t>() > 900);
    QVERIFY(s.validation.min().item<std::int64_t>() < 100);
}

void TestSplit::differentSeedsDiffer()
{
    QVERIFY(
        !torch::equal(splitTrainValidation(1000, 0.2, 1).validation, splitTrainValidation(1000, 0.2, 2).validation));
    QVERIFY(!torch::equal(seededPermutation(50, 1), torch::arange(50, torch::kInt64)));
}

void TestSplit::rejectsFractionOutsideRange()
{
    QVERIFY_THROWS_EXCEPTION(std::exception, splitTrainValidation(10, 1.0, 1));
    QVERIFY_THROWS_EXCEPTION(std::exception, splitTrainValidation(10, -0.1, 1));
    QCOMPARE(splitTrainValidation(10, 0.0, 1).validation.size(0), 0);
}

STUDIO_TEST_GUILESS_MAIN(TestSplit)
#include "tst_split.moc"
