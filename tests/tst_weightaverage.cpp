// The weight average (ema_decay): its arithmetic by hand, what the trainer validates and keeps
// with it, and an interrupted run that continues it exactly.
#include "data/Split.h"
#include "models/ModelRegistry.h"
#include "models/Predictions.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "training/Checkpoint.h"
#include "training/Trainer.h"
#include "training/WeightAverage.h"
#include "support/TestMain.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace studio;
using test::sameWeights;

namespace {

void fill(const Classifier& model, double value)
{
    torch::NoGradGuard noGrad;
    for (auto& p : model->parameters())
        p.fill_(value);
    for (auto& b : model->buffers())
        if (b.is_floating_point())
            b.fill_(value);
}

/// Every parameter and floating-point buffer of `model` equals `value`.
bool allEqual(const Classifier& model, double value)
{
    for (const auto& p : model->parameters())
        if (!torch::allclose(p, torch::full_like(p, value), 1e-6, 1e-6))
            return false;
    for (const auto& b : model->buffers())
        if (b.is_floating_point() && !torch::allclose(b, torch::full_like(b, value), 1e-6, 1e-6))
            return false;
    return true;
}

TrainConfig averagingConfig()
{
    TrainConfig c;
    c.model = "tiny-v3"; // BatchNorm statistics are averaged too
    c.batchSize = 32;
    c.numEpochs = 3;
    c.threads = 1;
    c.valFraction = 0.2;
    c.emaDecay = 0.9;
    c.optimizer = OptimizerKind::Sgd;
    c.learningRate = 0.05;
    return c;
}

} // namespace

class TestWeightAverage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void averagesByHand();
    void trainerValidatesAndKeepsTheAverage();
    void resumedRunContinuesTheAverage();
};

void TestWeightAverage::averagesByHand()
{
    const auto model = buildModel("tiny-v3");
    fill(model, 1.0);
    WeightAverage average(model, 0.5);
    QVERIFY(average.model().get() != model.get());
    QVERIFY(!average.model()->is_training());
    // d = min(decay, (1 + n) / (10 + n)): 0.1 for the first update, 2/11 for the second, then the cap.
    QCOMPARE(average.decayAt(0), 0.1);
    QCOMPARE(average.decayAt(1), 2.0 / 11.0);
    QCOMPARE(average.decayAt(8), 0.5); // 9/18
    QCOMPARE(average.decayAt(1000), 0.5);
    fill(model, 3.0);
    average.update(model, 0);
    QVERIFY(allEqual(average.model(), 0.1 * 1.0 + 0.9 * 3.0)); // 2.8
    fill(model, 5.0);
    average.update(model, 1);
    const double second = 2.0 / 11.0 * 2.8 + 9.0 / 11.0 * 5.0;
    QVERIFY(allEqual(average.model(), second));
    fill(model, -1.0);
    average.update(model, 50);
    QVERIFY(allEqual(average.model(), 0.5 * second - 0.5));
    // Whole-number buffers (BatchNorm's batch counter) are copied, not averaged.
    for (auto& b : model->buffers())
        if (!b.is_floating_point())
            b.fill_(7);
    average.update(model, 51);
    for (const auto& b : average.model()->buffers())
        if (!b.is_floating_point())
            QCOMPARE(b.item<std::int64_t>(), std::int64_t(7));
}

void TestWeightAverage::trainerValidatesAndKeepsTheAverage()
{
    const auto data = test::syntheticDataset(20, 2);
    const auto config = averagingConfig();
    QTemporaryDir dir;
    Trainer trainer(config, data, dir.path());
    test::Recorder epochs;
    trainer.addObserver(&epochs);
    const auto finished = trainer.run();
    QCOMPARE(finished.reason, FinishReason::Completed);
    QCOMPARE(int(epochs.epochs.size()), 3);
    for (const auto& e : epochs.epochs) {
        QVERIFY(std::isfinite(e.valAccuracy) && std::isfinite(e.emaValAccuracy));
        QCOMPARE(e.keptValAccuracy(), e.emaValAccuracy);
    }
    // The best epoch is the average's best, and best.pt holds the average: scoring it on the
    // validation split gives the recorded figures.
    const auto bestRecord = *std::max_element(epochs.epochs.begin(), epochs.epochs.end(), [](auto& a, auto& b) {
        return a.emaValLoss > b.emaValLoss; // monitored: val_loss, lowest wins
    });
    QCOMPARE(finished.bestEpoch, bestRecord.epoch);
    QCOMPARE(finished.bestValAccuracy, bestRecord.emaValAccuracy);
    const auto validation = trainingSets(data, 0, config.valFraction, config.seed).validation;
    auto best = loadModelFromCheckpoint(trainer.bestPath());
    const auto scored = predict(*best.model, validation, best.meta.data.mean, best.meta.data.std);
    QCOMPARE(scored.accuracy, bestRecord.emaValAccuracy);
    QVERIFY(std::abs(scored.meanLoss - bestRecord.emaValLoss) < 1e-6);
    // latest.pt offers the average and keeps the trained weights apart; they differ.
    const auto offered = buildModel(config.model), trained = buildModel(config.model);
    loadCheckpoint(trainer.latestPath(), *offered, nullptr, trained.get());
    QVERIFY(sameWeights(*offered, *trainer.model()));
    QVERIFY(!sameWeights(*offered, *trained));
    offered->eval();
    trained->eval();
    const auto last = epochs.epochs.back();
    QCOMPARE(predict(*offered, validation, best.meta.data.mean, best.meta.data.std).accuracy, last.emaValAccuracy);
    QCOMPARE(predict(*trained, validation, best.meta.data.mean, best.meta.data.std).accuracy, last.valAccuracy);
}

void TestWeightAverage::resumedRunContinuesTheAverage()
{
    const auto data = test::syntheticDataset(12, 2);
    auto config = averagingConfig();
    config.numEpochs = 2;
    QTemporaryDir straightDir, splitDir;
    Trainer straight(config, data, straightDir.path());
    QCOMPARE(straight.run().reason, FinishReason::Completed);

    Trainer first(config, data, splitDir.path());
    test::Recorder stopAfterOne;
    stopAfterOne.onEpochHook = [&](const EpochRecord&) { first.stop(); };
    first.addObserver(&stopAfterOne);
    QCOMPARE(first.run().reason, FinishReason::StoppedByUser);
    Trainer second(config, data, splitDir.path());
    second.resumeFrom(first.latestPath());
    QCOMPARE(second.run().reason, FinishReason::Completed);
    // Both the average and the trained weights equal the uninterrupted run's.
    QVERIFY(sameWeights(*straight.model(), *second.model()));
    const auto a = buildModel(config.model), b = buildModel(config.model), ta = buildModel(config.model),
               tb = buildModel(config.model);
    loadCheckpoint(straight.latestPath(), *a, nullptr, ta.get());
    loadCheckpoint(second.latestPath(), *b, nullptr, tb.get());
    QVERIFY(sameWeights(*a, *b));
    QVERIFY(sameWeights(*ta, *tb));
}

STUDIO_TEST_GUILESS_MAIN(TestWeightAverage)
#include "tst_weightaverage.moc"
