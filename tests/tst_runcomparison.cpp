// Comparing runs: config diff, seed groups, mean ± std and the spread test, against hand-computed
// figures.
#include "runs/RunComparison.h"
#include "support/TestMain.h"

#include <QTest>

using namespace studio;

class TestRunComparison : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void diffMarksExactlyTheDifferingFields();
    void summaryIsMeanAndSampleStd();
    void spreadTestByHand();
    void groupsIgnoreSeedNameAndThreads();
};

void TestRunComparison::diffMarksExactlyTheDifferingFields()
{
    TrainConfig a, b;
    b.learningRate = a.learningRate * 2;
    b.optimizer = OptimizerKind::Sgd;
    b.name = "other name"; // not a hyperparameter
    const auto rows = configDiff({a, b, a});
    QStringList differing;
    for (const auto& row : rows) {
        QCOMPARE(row.values.size(), 3);
        if (row.differs)
            differing << row.key;
        QVERIFY(row.key != "name");
    }
    differing.sort();
    QCOMPARE(differing, QStringList({"learning_rate", "optimizer"}));
    const auto lr = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.key == "learning_rate"; });
    QCOMPARE(lr->values[1], QString::number(a.learningRate * 2, 'g', 10));
    const auto optimizer = std::find_if(rows.begin(), rows.end(), [](const auto& r) { return r.key == "optimizer"; });
    QCOMPARE(optimizer->values[1], QString("sgd")); // as the JSON spells it
    const auto same = configDiff({a, a});           // one vector: begin and end of the same range
    QVERIFY(std::none_of(same.begin(), same.end(), [](const auto& r) { return r.differs; }));
}

void TestRunComparison::summaryIsMeanAndSampleStd()
{
    const auto s = summarise({0.98, 0.985, 0.99});
    QCOMPARE(s.n, 3);
    QVERIFY(std::abs(s.mean - 0.985) < 1e-12);
    QVERIFY(std::abs(s.std - 0.005) < 1e-12); // √((0.005² + 0 + 0.005²) / 2)
    QCOMPARE(summarise({0.9}).std, 0.0);
    QCOMPARE(summarise({}).n, 0);
}

void TestRunComparison::spreadTestByHand()
{
    // 98.5 ± 0.5 vs 97.2 ± 0.2 over three seeds each: SE = √(0.005²/3 + 0.002²/3) = 0.0031091,
    // the difference 0.013 is 4.2 SE.
    const auto a = summarise({0.98, 0.985, 0.99}), b = summarise({0.97, 0.972, 0.974});
    const auto c = compareSpread(a, b);
    QVERIFY(c.comparable);
    QVERIFY(std::abs(c.difference - 0.013) < 1e-12);
    QVERIFY(std::abs(c.standardError - 0.0031091) < 1e-6);
    QVERIFY(c.exceedsSpread);
    // 98.5 ± 0.71 vs 98.0 ± 0.71 over two seeds: SE = 0.0070711, the difference 0.005 is 0.7 SE.
    const auto d = compareSpread(summarise({0.98, 0.99}), summarise({0.985, 0.975}));
    QVERIFY(std::abs(d.standardError - 0.0070711) < 1e-6);
    QVERIFY(!d.exceedsSpread);
    QVERIFY(!compareSpread(summarise({0.99}), b).comparable); // one run has no spread
}

void TestRunComparison::groupsIgnoreSeedNameAndThreads()
{
    std::vector<RunRecord> runs(5);
    for (std::size_t i = 0; i < runs.size(); ++i) {
        runs[i].id = std::int64_t(i + 1);
        runs[i].config.seed = 40 + i;
        runs[i].config.name = "run " + std::to_string(i);
        runs[i].config.threads = int(i % 2);
        runs[i].bestValAccuracy = 0.9 + 0.01 * double(i);
    }
    runs[1].config.learningRate *= 10; // its own group
    runs[3].testAccuracy = 0.95;       // judged by its test accuracy
    const auto groups = seedGroups(runs);
    QCOMPARE(groups.size(), std::size_t(2));
    QCOMPARE(groups[0].runIds, (std::vector<std::int64_t>{1, 3, 4, 5}));
    QCOMPARE(groups[1].runIds, (std::vector<std::int64_t>{2}));
    const std::vector<double> expected{0.90, 0.92, 0.95, 0.94};
    for (std::size_t i = 0; i < expected.size(); ++i)
        QVERIFY(std::abs(groups[0].accuracies[i] - expected[i]) < 1e-12);
    QVERIFY(std::abs(groups[0].summary.mean - 0.9275) < 1e-12);
}

STUDIO_TEST_GUILESS_MAIN(TestRunComparison)
#include "tst_runcomparison.moc"
