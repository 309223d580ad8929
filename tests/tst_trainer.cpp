#include "data/Dataset.h"
#include "models/Predictions.h"
#include "support/Printers.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "models/ModelRegistry.h"
#include "training/LrSchedule.h"
#include "training/OptimizerFactory.h"
#include "training/Trainer.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace studio;
using test::sameWeights;

using test::Recorder;

namespace {

TrainConfig smallConfig()
{
    TrainConfig c;
    c.model = "simple-cnn";
    c.batchSize = 32;
    c.numEpochs = 2;
    c.learningRate = 1e-3;
    c.threads = 1;
    c.valFraction = 0.2;
    return c;
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void learnsASyntheticTask();
    void plannedBatchesMatchTheTrainer_data();
    void plannedBatchesMatchTheTrainer();
    void learnsRealMnistSubset();
    void resumeAfterEpochIsExact();
    void resumeAfterMidEpochStopIsExact();
    void stopTakesEffectBeforeTheNextBatch();
    void pauseFreezesAndResumeContinues();
    void divergenceEndsTheRunAndKeepsCheckpoints();
    void earlyStoppingStopsAndRestoresBest();
    void checkpointOfAnotherArchitectureIsRefused();
    void checkpointOfOtherDataIsRefused();
};

void TestTrainer::learnsASyntheticTask()
{
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(40, 20);
    auto c = smallConfig();
    Trainer trainer(c, data, dir.path());
    Recorder rec;
    trainer.addObserver(&rec);
    const auto result = trainer.run();
    QCOMPARE(result.reason, FinishReason::Completed);
    QCOMPARE(int(rec.epochs.size()), 2);
    QCOMPARE(rec.batches.size(), std::size_t(2 * trainer.batchesPerEpoch()));
    QVERIFY2(rec.epochs.back().valAccuracy > 0.9, qPrintable(QString::number(rec.epochs.back().valAccuracy)));
    QVERIFY(rec.epochs.back().trainLoss < rec.epochs.front().trainLoss);
    const auto test = predict(*trainer.model(), data.test, data.mean, data.std);
    QVERIFY2(test.accuracy > 0.9, "test accuracy far above the 10 % of chance");
    QVERIFY(QFile::exists(trainer.latestPath()));
    QVERIFY(QFile::exists(trainer.bestPath()));
}

void TestTrainer::plannedBatchesMatchTheTrainer_data()
{
    QTest::addColumn<qint64>("limit");
    QTest::addColumn<double>("valFraction");
    QTest::addColumn<qint64>("batch");
    QTest::newRow("all, 10 %, 16") << qint64(0) << 0.1 << qint64(16);
    QTest::newRow("limit 37, 25 %, 8") << qint64(37) << 0.25 << qint64(8);
    QTest::newRow("no validation, batch 7") << qint64(0) << 0.0 << qint64(7);
    QTest::newRow("limit above size") << qint64(5000) << 0.15 << qint64(32);
}

void TestTrainer::plannedBatchesMatchTheTrainer()
{
    QFETCH(qint64, limit);
    QFETCH(double, valFraction);
    QFETCH(qint64, batch);
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(41, 20);
    auto c = smallConfig();
    c.limitTrain = limit;
    c.valFraction = valFraction;
    c.batchSize = batch;
    Trainer trainer(c, data, dir.path());
    QCOMPARE(plannedBatchesPerEpoch(data.train.size(), c), trainer.batchesPerEpoch());
}

void TestTrainer::learnsRealMnistSubset()
{
    const auto folder = test::mnistFolder();
    if (folder.isEmpty())
        QSKIP("MNIST not fetched (scripts/setup.sh --no-build fetches it)");
    const auto mnist = loadDataset(folder.toStdString());
    QTemporaryDir dir;
    auto c = smallConfig();
    c.limitTrain = 3000;
    c.threads = 2;
    c.numEpochs = 2;
    Trainer trainer(c, mnist, dir.path());
    const auto result = trainer.run();
    QCOMPARE(result.reason, FinishReason::Completed);
    const auto test = predict(*trainer.model(), mnist.test.head(2000), mnist.mean, mnist.std);
    QVERIFY2(test.accuracy > 0.85, qPrintable(QString("test accuracy %1").arg(test.accuracy)));
}

void TestTrainer::resumeAfterEpochIsExact()
{
    const auto data = test::syntheticDataset(12, 2);
    auto c = smallConfig();
    c.model = "tiny-v3"; // BatchNorm buffers + dropout
    c.augment.enabled = true;
    c.optimizer = OptimizerKind::Sgd;
    c.scheduler = SchedulerKind::OneCycle;
    QTemporaryDir straightDir, splitDir;
    Trainer straight(c, data, straightDir.path());
    QCOMPARE(straight.run().reason, FinishReason::Completed);

    Trainer part1(c, data, splitDir.path());
    Recorder stopAfterEpoch;
    stopAfterEpoch.onEpochHook = [&](const EpochRecord&) { part1.stop(); }; // 1 epoch, then stop
    part1.addObserver(&stopAfterEpoch);
    QCOMPARE(part1.run().reason, FinishReason::StoppedByUser);
    QCOMPARE(int(stopAfterEpoch.epochs.size()), 1);
    const auto saved = readCheckpointMeta(part1.latestPath());
    QCOMPARE(saved.position.epoch, 1);
    QCOMPARE(saved.position.batch, 0);
    QCOMPARE(stopAfterEpoch.epochs[0].runSeconds, stopAfterEpoch.epochs[0].seconds);
    QVERIFY(saved.position.elapsedSeconds >= stopAfterEpoch.epochs[0].runSeconds); // + the next epoch's start
    Trainer part2(c, data, splitDir.path());
    part2.resumeFrom(part1.latestPath());
    Recorder resumed;
    part2.addObserver(&resumed);
    QCOMPARE(part2.run().reason, FinishReason::Completed);
    QVERIFY(sameWeights(*straight.model(), *part2.model()));
    QCOMPARE(part2.position().step, straight.position().step);
    // The run's clock goes on from the first session's: steps and epochs carry the run's time.
    QVERIFY(!resumed.batches.empty() && !resumed.epochs.empty());
    QVERIFY(resumed.batches.front().runSeconds > saved.position.elapsedSeconds);
    for (std::size_t i = 1; i < resumed.batches.size(); ++i)
        QVERIFY(resumed.batches[i].runSeconds >= resumed.batches[i - 1].runSeconds);
    const auto& last = resumed.epochs.back();
    QVERIFY(last.runSeconds >= resumed.batches.back().runSeconds);
    QCOMPARE(last.runSeconds, part2.position().elapsedSeconds);
}

void TestTrainer::resumeAfterMidEpochStopIsExact()
{
    const auto data = test::syntheticDataset(12, 2);
    auto c = smallConfig();
    c.augment.enabled = true; // simple-cnn has dropout 0.5: the RNG matters
    QTemporaryDir straightDir, splitDir;
    Trainer straight(c, data, straightDir.path());
    QCOMPARE(straight.run().reason, FinishReason::Completed);

    Trainer part1(c, data, splitDir.path());
    Recorder rec;
    rec.onBatchHook = [&](const BatchRecord& e) {
        if (e.epoch == 1 && e.batch == 1)
            part1.stop();
    };
    part1.addObserver(&rec);
    QCOMPARE(part1.run().reason, FinishReason::StoppedByUser);
    const auto saved = readCheckpointMeta(part1.latestPath());
    QCOMPARE(saved.position.epoch, 0);
    QCOMPARE(saved.position.batch, 2);
    Trainer part2(c, data, splitDir.path());
    part2.resumeFrom(part1.latestPath());
    Recorder rec2;
    part2.addObserver(&rec2);
    QCOMPARE(part2.run().reason, FinishReason::Completed);
    QCOMPARE(rec2.batches.front().step, 2);
    QVERIFY(sameWeights(*straight.model(), *part2.model()));
}

void TestTrainer::stopTakesEffectBeforeTheNextBatch()
{
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(20, 2);
    auto c = smallConfig();
    Trainer trainer(c, data, dir.path());
    Recorder rec;
    rec.onBatchHook = [&](const BatchRecord& e) {
        if (e.step == 3)
            trainer.stop();
    };
    trainer.addObserver(&rec);
    const auto result = trainer.run();
    QCOMPARE(result.reason, FinishReason::StoppedByUser);
    QCOMPARE(rec.batches.back().step, 3); // no batch ran after the request
    QVERIFY(QString::fromStdString(result.message).contains("resuming continues"));
    QCOMPARE(rec.finished.reason, FinishReason::StoppedByUser);
    QCOMPARE(readCheckpointMeta(trainer.latestPath()).position.step, 4);
}

void TestTrainer::pauseFreezesAndResumeContinues()
{
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(20, 2);
    auto c = smallConfig();
    c.numEpochs = 1;
    Trainer trainer(c, data, dir.path());
    Recorder rec;
    // The batches seen, counted where the controller thread may read them (the recorder's vector is
    // the training thread's alone).
    std::atomic<std::size_t> seen{0}, countAtPause{0};
    rec.onBatchHook = [&](const BatchRecord& e) {
        ++seen;
        if (e.step == 1) {
            trainer.pause();
            countAtPause = seen.load();
        }
    };
    trainer.addObserver(&rec);
    std::size_t countDuringPause = 0;
    bool pausedInTime = false;
    std::thread controller([&] {
        // Waits for the pause (a sanitizer build on a slow machine takes seconds to its first
        // step), lets the paused trainer sit, and resumes it whatever happened: never a hang.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while (!trainer.isPaused() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        pausedInTime = trainer.isPaused();
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        countDuringPause = seen;
        trainer.resume();
    });
    const auto result = trainer.run();
    controller.join();
    QVERIFY(pausedInTime);
    QCOMPARE(result.reason, FinishReason::Completed);
    QCOMPARE(countDuringPause, countAtPause.load()); // nothing trained while paused
    QCOMPARE(rec.batches.size(), std::size_t(trainer.batchesPerEpoch()));
}

void TestTrainer::divergenceEndsTheRunAndKeepsCheckpoints()
{
    QTemporaryDir dir;
    auto data = test::syntheticDataset(10, 2);
    auto c = smallConfig();
    c.numEpochs = 3;
    {
        auto first = c;
        Trainer trainer(first, data, dir.path());
        Recorder stopAtEpoch2;
        stopAtEpoch2.onBatchHook = [&](const BatchRecord& e) {
            if (e.epoch == 2)
                trainer.stop();
        };
        trainer.addObserver(&stopAtEpoch2);
        QCOMPARE(trainer.run().reason, FinishReason::StoppedByUser);
    }
    const auto latest = QDir(dir.path()).filePath("latest.pt");
    const auto before = readCheckpointMeta(latest);
    { // Absurd normalisation (a corrupt statistics value in the checkpoint) blows the inputs up to infinity.
        auto model = buildModel(c.model);
        auto optimizer = makeOptimizer(c, model->parameters(), c.learningRate);
        auto meta = loadCheckpoint(latest, *model, optimizer.get());
        meta.data.std = 1e-40;
        saveCheckpoint(latest, *model, optimizer.get(), meta);
    }
    Trainer trainer(c, data, dir.path());
    trainer.resumeFrom(latest);
    Recorder rec;
    trainer.addObserver(&rec);
    const auto result = trainer.run();
    QCOMPARE(result.reason, FinishReason::Diverged);
    const auto msg = QString::fromStdString(result.message);
    QVERIFY2(msg.contains("at step " + QString::number(before.position.step)), qPrintable(msg));
    QVERIFY2(msg.contains("learning rate 0.001"), qPrintable(msg));
    QVERIFY(rec.batches.empty());
    const auto after = readCheckpointMeta(QDir(dir.path()).filePath("latest.pt"));
    QCOMPARE(after.position.step, before.position.step); // nothing saved was overwritten
    QVERIFY(QFile::exists(QDir(dir.path()).filePath("best.pt")));
}

void TestTrainer::earlyStoppingStopsAndRestoresBest()
{
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(10, 2);
    auto c = smallConfig();
    c.numEpochs = 10;
    c.earlyStoppingPatience = 2;
    c.earlyStoppingMinDelta = 10.0; // no later epoch can beat the first by 10
    Trainer trainer(c, data, dir.path());
    Recorder rec;
    trainer.addObserver(&rec);
    const auto result = trainer.run();
    QCOMPARE(result.reason, FinishReason::EarlyStopped);
    QCOMPARE(int(rec.epochs.size()), 3);
    QCOMPARE(result.bestEpoch, 1);
    QVERIFY(QString::fromStdString(result.message).contains("best weights restored"));
    auto best = loadModelFromCheckpoint(trainer.bestPath());
    QVERIFY(sameWeights(*best.model, *trainer.model()));
}

void TestTrainer::checkpointOfAnotherArchitectureIsRefused()
{
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(5, 1);
    auto c = smallConfig();
    c.numEpochs = 1;
    Trainer tiny(
        [&] {
            auto t = c;
            t.model = "tiny-v1";
            return t;
        }(),
        data, dir.path() + "/a");
    tiny.run();
    Trainer other(c, data, dir.path() + "/b");
    try {
        other.resumeFrom(tiny.latestPath());
        QFAIL("foreign checkpoint accepted");
    } catch (const std::exception& e) {
        QVERIFY2(QString(e.what()).contains("holds a tiny-v1 model but this run trains simple-cnn"), e.what());
    }
}

void TestTrainer::checkpointOfOtherDataIsRefused()
{
    QTemporaryDir dir;
    const auto a = test::syntheticDataset(5, 1, 1);
    auto b = test::syntheticDataset(5, 1, 2); // same sizes and name, other images
    QVERIFY(a.fingerprint != b.fingerprint);
    auto c = smallConfig();
    c.model = "tiny-v1";
    c.numEpochs = 1;
    Trainer first(c, a, dir.path());
    QCOMPARE(first.run().reason, FinishReason::Completed);
    QCOMPARE(readCheckpointMeta(first.latestPath()).data.fingerprint, a.fingerprint);
    Trainer other(c, b, dir.path());
    try {
        other.resumeFrom(first.latestPath());
        QFAIL("a checkpoint of other data was accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("was trained on synthetic (fingerprint " +
                                            QString::fromStdString(a.shortFingerprint())),
                 e.what());
    }
    // The same data (another copy, other statistics rounding) continues with the checkpoint's normalisation.
    auto copy = a;
    copy.mean = 0.5;
    Trainer same(c, copy, dir.path());
    same.resumeFrom(first.latestPath());
    QCOMPARE(same.data().mean, a.mean);
}

STUDIO_TEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
