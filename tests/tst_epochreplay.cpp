// The epoch replay (each epoch's validation predictions kept with the run), the per-class
// validation accuracy every epoch reports, and the forgetting statistics derived from the replay.
#include "data/Split.h"
#include "evaluation/Forgetting.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "training/EpochReplay.h"
#include "training/Trainer.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace studio;

namespace {

ScoredSet scores(std::vector<int> labels, std::vector<float> logits, int classes)
{
    ScoredSet s;
    s.numClasses = classes;
    s.labels = std::move(labels);
    s.logits = std::move(logits);
    return s;
}

/// An epoch where image i is right when `right[i]` (3 classes: the label, else the next class).
ReplayEpoch epochWith(int epoch, const std::vector<bool>& right)
{
    ReplayEpoch e;
    e.epoch = epoch;
    e.scores.numClasses = 3;
    for (std::size_t i = 0; i < right.size(); ++i) {
        const int label = int(i % 3);
        e.scores.labels.push_back(label);
        const int predicted = right[i] ? label : (label + 1) % 3;
        for (int k = 0; k < 3; ++k)
            e.scores.logits.push_back(k == predicted ? 0.0f : -3.0f);
    }
    return e;
}

TrainConfig replayConfig()
{
    TrainConfig c;
    c.model = "tiny-v3";
    c.batchSize = 32;
    c.numEpochs = 3;
    c.threads = 1;
    c.valFraction = 0.3;
    c.optimizer = OptimizerKind::Sgd;
    c.learningRate = 0.05;
    return c;
}

double accuracyOf(const ScoredSet& s)
{
    const auto predicted = s.predicted();
    double right = 0;
    for (std::size_t i = 0; i < s.labels.size(); ++i)
        right += predicted[i] == s.labels[i];
    return right / double(s.labels.size());
}

} // namespace

class TestEpochReplay : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void keepsProbabilitiesAndThePredictedClass();
    void readsEpochsInOrderAndNamesDamage();
    void trainerKeepsEveryEpochOfTheKeptModel();
    void resumeRedoesLaterEpochs();
    void forgettingByHand();
};

void TestEpochReplay::keepsProbabilitiesAndThePredictedClass()
{
    QTemporaryDir dir;
    // Image 1's two top logits differ by 1e-4: their log-probabilities round to the same float16,
    // and the file keeps class 2 (the model's) first. Image 2: a probability below float16's range.
    const auto given = scores({0, 2, 1}, {2.0f, 0.5f, -1.0f, 1.0f, 0.0f, 1.0001f, -40.0f, 30.0f, 0.0f}, 3);
    writeReplayEpoch(dir.path(), 4, given);
    QVERIFY(QFile::exists(QDir(dir.path()).filePath("replay/epoch-0004.bin")));
    QCOMPARE(QFileInfo(QDir(dir.path()).filePath("replay/epoch-0004.bin")).size(), qint64(24 + 3 * (1 + 2 * 3)));
    const auto replay = readReplay(dir.path());
    QCOMPARE(int(replay.size()), 1);
    QCOMPARE(replay[0].epoch, 4);
    QCOMPARE(replay[0].scores.labels, given.labels);
    QCOMPARE(replay[0].scores.predicted(), (std::vector<int>{0, 2, 1}));
    const auto expected = given.probabilities(), read = replay[0].scores.probabilities();
    for (std::size_t k = 0; k < expected.size(); ++k)
        QVERIFY2(std::abs(read[k] - expected[k]) <= 2e-3 * expected[k] + 1e-7,
                 qPrintable(QString("p[%1]: %2 vs %3").arg(k).arg(read[k]).arg(expected[k])));
    QCOMPARE(replay[0].scores.classAccuracy(), (std::vector<double>{1.0, 1.0, 1.0}));
}

void TestEpochReplay::readsEpochsInOrderAndNamesDamage()
{
    QTemporaryDir dir;
    QVERIFY(readReplay(dir.path()).empty()); // a run made before replays
    for (int epoch : {3, 1, 2, 10})
        writeReplayEpoch(dir.path(), epoch, scores({0, 1}, {1, 0, 0, 1}, 2));
    std::vector<int> epochs;
    for (const auto& e : readReplay(dir.path()))
        epochs.push_back(e.epoch);
    QCOMPARE(epochs, (std::vector<int>{1, 2, 3, 10}));
    QCOMPARE(int(readReplay(dir.path(), 2).size()), 2);
    dropReplayAfter(dir.path(), 2);
    QCOMPARE(int(readReplay(dir.path()).size()), 2);

    // A truncated file: one message naming it.
    const QString second = QDir(dir.path()).filePath("replay/epoch-0002.bin");
    QFile f(second);
    QVERIFY(f.open(QIODevice::ReadWrite));
    QVERIFY(f.resize(f.size() - 1));
    f.close();
    try {
        readReplay(dir.path());
        QFAIL("a truncated replay was read");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains(second) && QString(e.what()).contains("damaged"), e.what());
    }
    // Another epoch of other images.
    writeReplayEpoch(dir.path(), 2, scores({1, 1}, {1, 0, 0, 1}, 2));
    try {
        readReplay(dir.path());
        QFAIL("a replay of other images was read");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("other images than epoch 1"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(StudioError, writeReplayEpoch(dir.path(), 5, scores({0}, {1, 2, 3}, 2)));
}

void TestEpochReplay::trainerKeepsEveryEpochOfTheKeptModel()
{
    const auto data = test::syntheticDataset(20, 2);
    for (double ema : {0.0, 0.9}) {
        auto config = replayConfig();
        config.emaDecay = ema;
        QTemporaryDir dir;
        Trainer trainer(config, data, dir.path());
        test::Recorder epochs;
        trainer.addObserver(&epochs);
        QCOMPARE(trainer.run().reason, FinishReason::Completed);
        const auto replay = readReplay(dir.path());
        QCOMPARE(int(replay.size()), 3);
        const auto validation = trainingSets(data, 0, config.valFraction, config.seed).validation;
        QCOMPARE(replay[0].scores.size(), validation.size());
        for (std::int64_t i = 0; i < validation.size(); ++i)
            QCOMPARE(replay[0].scores.labels[std::size_t(i)], int(validation.labels[i].item<std::int64_t>()));
        for (std::size_t t = 0; t < 3; ++t) {
            const auto& e = epochs.epochs[t];
            QCOMPARE(replay[t].epoch, e.epoch);
            // The replay is the kept model's (the average's with ema_decay): its accuracy is the
            // recorded one exactly, and so are the per-class figures the epoch reported.
            QCOMPARE(accuracyOf(replay[t].scores), e.keptValAccuracy());
            QCOMPARE(int(e.valClassAccuracy.size()), 10);
            QCOMPARE(replay[t].scores.classAccuracy(), e.valClassAccuracy);
            double weighted = 0;
            for (int k = 0; k < 10; ++k)
                if (const auto n = std::count(replay[t].scores.labels.begin(), replay[t].scores.labels.end(), k))
                    weighted += e.valClassAccuracy[std::size_t(k)] * double(n);
            QVERIFY(std::abs(weighted / double(validation.size()) - e.keptValAccuracy()) < 1e-12);
        }
        const int weakest = epochs.epochs.back().weakestClass();
        const auto& last = epochs.epochs.back().valClassAccuracy;
        QCOMPARE(last[std::size_t(weakest)], *std::min_element(last.begin(), last.end()));
    }
    // Without a validation split there is nothing to replay.
    auto config = replayConfig();
    config.valFraction = 0;
    config.numEpochs = 1;
    QTemporaryDir dir;
    Trainer trainer(config, data, dir.path());
    test::Recorder epochs;
    trainer.addObserver(&epochs);
    QCOMPARE(trainer.run().reason, FinishReason::Completed);
    QVERIFY(readReplay(dir.path()).empty());
    QVERIFY(epochs.epochs.at(0).valClassAccuracy.empty());
    QCOMPARE(epochs.epochs.at(0).weakestClass(), -1);
}

void TestEpochReplay::resumeRedoesLaterEpochs()
{
    const auto data = test::syntheticDataset(12, 2);
    const auto config = replayConfig();
    QTemporaryDir dir;
    {
        Trainer first(config, data, dir.path());
        test::Recorder stopAfterOne;
        stopAfterOne.onEpochHook = [&](const EpochRecord&) { first.stop(); };
        first.addObserver(&stopAfterOne);
        QCOMPARE(first.run().reason, FinishReason::StoppedByUser);
    }
    QCOMPARE(int(readReplay(dir.path()).size()), 1);
    // A file of an epoch the checkpoint does not cover (a process killed between the two) goes.
    writeReplayEpoch(dir.path(), 2, readReplay(dir.path())[0].scores);
    Trainer second(config, data, dir.path());
    second.resumeFrom(QDir(dir.path()).filePath("latest.pt"));
    QCOMPARE(int(readReplay(dir.path()).size()), 1);
    QCOMPARE(second.run().reason, FinishReason::Completed);
    QCOMPARE(int(readReplay(dir.path()).size()), 3);
}

void TestEpochReplay::forgettingByHand()
{
    // Epochs 2, 3, 5, 6 (numbers, not positions): five images' right (1) and wrong (0) histories.
    //   image 0: 1 1 1 1  learned at 2, never forgotten
    //   image 1: 0 1 0 1  learned at 6, forgotten once
    //   image 2: 1 0 0 0  not learned, forgotten once
    //   image 3: 1 1 0 1  learned at 6, forgotten once
    //   image 4: 1 0 1 0  not learned, forgotten twice
    const std::vector<ReplayEpoch> replay = {epochWith(2, {1, 0, 1, 1, 1}), epochWith(3, {1, 1, 0, 1, 0}),
                                             epochWith(5, {1, 0, 0, 0, 1}), epochWith(6, {1, 1, 0, 1, 0})};
    const auto h = imageHistories(replay);
    QCOMPARE(int(h.size()), 5);
    const int learned[] = {2, 6, 0, 6, 0}, events[] = {0, 1, 1, 1, 2}, correct[] = {4, 2, 1, 3, 2};
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(h[std::size_t(i)].learnedAt, learned[i]);
        QCOMPARE(h[std::size_t(i)].forgettingEvents, events[i]);
        QCOMPARE(h[std::size_t(i)].epochsCorrect, correct[i]);
    }
    const auto summary = forgettingSummary(replay, h);
    QCOMPARE(summary["epochs_replayed"].toInt(), 4);
    QCOMPARE(summary["first_epoch"].toInt(), 2);
    QCOMPARE(summary["last_epoch"].toInt(), 6);
    QCOMPARE(summary["never_forgotten"].toInt(), 1);
    QCOMPARE(summary["forgotten_at_least_once"].toInt(), 4);
    QCOMPARE(summary["not_learned"].toInt(), 2);
    QVERIFY(imageHistories({}).empty());

    QTemporaryDir dir;
    const QString path = QDir(dir.path()).filePath("forgetting.csv");
    writeForgettingCsv(path, replay, h);
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(f.readAll()), QString("index,label,learned_at,forgetting_events,epochs_correct,"
                                                     "last_predicted\n"
                                                     "0,0,2,0,4,0\n"
                                                     "1,1,6,1,2,1\n"
                                                     "2,2,,1,1,0\n"
                                                     "3,0,6,1,3,0\n"
                                                     "4,1,,2,2,2\n"));
}

STUDIO_TEST_GUILESS_MAIN(TestEpochReplay)
#include "tst_epochreplay.moc"
