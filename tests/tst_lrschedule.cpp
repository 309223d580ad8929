#include "training/LrSchedule.h"
#include "support/TestMain.h"

#include <QTest>

using namespace studio;

namespace {
bool nearlyEqual(double a, double b)
{
    return std::abs(a - b) <= 1e-9 + 1e-7 * std::abs(b);
}
} // namespace

class TestLrSchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void constantIsFlat();
    void stepDecaysEveryStepSizeEpochs();
    void warmupCosineMatchesClosedForm();
    void oneCycleMatchesPyTorch_data();
    void oneCycleMatchesPyTorch();
    void scheduleHasOneValuePerStep();
};

void TestLrSchedule::constantIsFlat()
{
    TrainConfig c;
    c.learningRate = 0.003;
    for (std::int64_t s : {0, 17, 999})
        QCOMPARE(learningRateAt(c, s, 100), 0.003);
}

void TestLrSchedule::stepDecaysEveryStepSizeEpochs()
{
    TrainConfig c;
    c.scheduler = SchedulerKind::Step;
    c.learningRate = 0.01;
    c.stepSize = 2;
    c.gamma = 0.5;
    // 10 batches per epoch: PyTorch StepLR(step_size=2, gamma=0.5) gives 0.01 for epochs 0-1,
    // 0.005 for epochs 2-3, 0.0025 for epochs 4-5.
    QCOMPARE(learningRateAt(c, 0, 10), 0.01);
    QCOMPARE(learningRateAt(c, 19, 10), 0.01);
    QCOMPARE(learningRateAt(c, 20, 10), 0.005);
    QCOMPARE(learningRateAt(c, 45, 10), 0.0025);
}

void TestLrSchedule::warmupCosineMatchesClosedForm()
{
    TrainConfig c;
    c.scheduler = SchedulerKind::WarmupCosine;
    c.learningRate = 0.1;
    c.warmupEpochs = 2;
    c.numEpochs = 10;                                      // 10 batches per epoch: W = 20 warmup steps, T = 100 steps
    QVERIFY(nearlyEqual(learningRateAt(c, 0, 10), 0.005)); // 0.1 · 1/20
    QVERIFY(nearlyEqual(learningRateAt(c, 9, 10), 0.05));  // 0.1 · 10/20
    QVERIFY(nearlyEqual(learningRateAt(c, 19, 10), 0.1));  // end of warmup
    QVERIFY(nearlyEqual(learningRateAt(c, 20, 10), 0.1));  // cos(0)
    QVERIFY(nearlyEqual(learningRateAt(c, 60, 10), 0.05)); // halfway through the cosine: cos(π/2) = 0
    // Last step: 0.05 · (1 + cos(0.9875 π)) = 0.05 · (1 − 0.9992290362) = 3.854819e-5
    QVERIFY(std::abs(learningRateAt(c, 99, 10) - 3.854819e-5) < 1e-10);
}

void TestLrSchedule::oneCycleMatchesPyTorch_data()
{
    QTest::addColumn<double>("maxLr");
    QTest::addColumn<int>("epochs");
    QTest::addColumn<int>("perEpoch");
    QTest::addColumn<double>("pctStart");
    QTest::addColumn<double>("div");
    QTest::addColumn<double>("finalDiv");
    QTest::addColumn<int>("step");
    QTest::addColumn<double>("expected");
    // Values printed by torch.optim.lr_scheduler.OneCycleLR (PyTorch 1.13, anneal_strategy='cos').
    const std::vector<std::pair<int, double>> seed003 = {
        {0, 0.09999999999999998},   {1, 0.10000036040762528},   {500, 0.18601485324762812},  {2109, 0.7499999098980812},
        {2110, 0.7499999812618594}, {4000, 0.5130565652422933}, {7034, 0.013333333333333334}};
    for (auto [s, v] : seed003)
        QTest::addRow("seed 003, step %d", s) << 0.75 << 15 << 469 << 0.3 << 7.5 << 7.5 << s << v;
    const std::vector<std::pair<int, double>> small = {
        {0, 0.0003999999999999993}, {10, 0.0039576685835079},   {24, 0.01},
        {25, 0.00999561416803769},  {60, 0.005313971341836176}, {99, 4e-08}};
    for (auto [s, v] : small)
        QTest::addRow("defaults, step %d", s) << 0.01 << 2 << 50 << 0.25 << 25.0 << 1e4 << s << v;
}

void TestLrSchedule::oneCycleMatchesPyTorch()
{
    QFETCH(double, maxLr);
    QFETCH(int, epochs);
    QFETCH(int, perEpoch);
    QFETCH(double, pctStart);
    QFETCH(double, div);
    QFETCH(double, finalDiv);
    QFETCH(int, step);
    QFETCH(double, expected);
    TrainConfig c;
    c.scheduler = SchedulerKind::OneCycle;
    c.maxLr = maxLr;
    c.numEpochs = epochs;
    c.pctStart = pctStart;
    c.divFactor = div;
    c.finalDivFactor = finalDiv;
    const double lr = learningRateAt(c, step, perEpoch);
    QVERIFY2(nearlyEqual(lr, expected), qPrintable(QString("%1 vs %2").arg(lr, 0, 'g', 17).arg(expected, 0, 'g', 17)));
}

void TestLrSchedule::scheduleHasOneValuePerStep()
{
    TrainConfig c;
    c.numEpochs = 3;
    c.scheduler = SchedulerKind::OneCycle;
    const auto lrs = learningRateSchedule(c, 7);
    QCOMPARE(lrs.size(), std::size_t(21));
    QCOMPARE(lrs[5], learningRateAt(c, 5, 7));
    QVERIFY(*std::max_element(lrs.begin(), lrs.end()) <= c.maxLr);
}

STUDIO_TEST_GUILESS_MAIN(TestLrSchedule)
#include "tst_lrschedule.moc"
