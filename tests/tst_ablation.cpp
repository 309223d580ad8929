// Study definitions and the result table, without training.
#include "support/Printers.h"
#include "runs/Ablation.h"
#include "support/TestMain.h"

#include <QTest>

using namespace studio;

class TestAblation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtInStudiesChangeOnlyTheStudiedAspect();
    void customStudySetsOneFieldPerVariant();
    void tableCountsEpochsToTargetAndDifferences();
};

void TestAblation::builtInStudiesChangeOnlyTheStudiedAspect()
{
    TrainConfig base;
    base.seed = 7;
    base.numEpochs = 4;
    base.limitTrain = 5000;
    const auto residual = builtInStudy("residual", base);
    QCOMPARE(int(residual.variants.size()), 2);
    QCOMPARE(residual.variants[0].config.model, std::string("resnet"));
    QCOMPARE(residual.variants[1].config.model, std::string("plain-cnn"));
    const auto activation = builtInStudy("activation", base);
    QCOMPARE(activation.variants[1].config.activation, Activation::Sigmoid);
    const auto augmentation = builtInStudy("augmentation", base);
    QVERIFY(augmentation.variants[0].config.augment.enabled);
    QVERIFY(!augmentation.variants[1].config.augment.enabled);
    for (const auto* study : {&residual, &activation, &augmentation})
        for (const auto& v : study->variants) { // same seed and budget everywhere
            QCOMPARE(v.config.seed, std::uint64_t(7));
            QCOMPARE(v.config.numEpochs, 4);
            QCOMPARE(v.config.limitTrain, 5000);
        }
    QVERIFY_THROWS_EXCEPTION(std::exception, builtInStudy("dropout", base));
}

void TestAblation::customStudySetsOneFieldPerVariant()
{
    const auto study = customStudy(TrainConfig{}, "learning_rate", {"0.001", "0.01", "0.1"});
    QCOMPARE(int(study.variants.size()), 3);
    QCOMPARE(study.variants[2].config.learningRate, 0.1);
    QCOMPARE(study.variants[2].name, std::string("learning_rate=0.1"));
    QVERIFY_THROWS_EXCEPTION(std::exception, customStudy(TrainConfig{}, "learning_rate", {"0.01", "-3"}));
    QVERIFY_THROWS_EXCEPTION(std::exception, customStudy(TrainConfig{}, "no_such_field", {"1", "2"}));
}

void TestAblation::tableCountsEpochsToTargetAndDifferences()
{
    const std::vector<EpochRecord> fast{{1, 0, 0, 0, 0.95}, {2, 0, 0, 0, 0.971}, {3, 0, 0, 0, 0.98}};
    const std::vector<EpochRecord> slow{{1, 0, 0, 0, 0.90}, {2, 0, 0, 0, 0.96}};
    QCOMPARE(epochsToReach(fast, 0.97), 2);
    QCOMPARE(epochsToReach(slow, 0.97), 0);
    RunRecord a, b;
    a.id = 4;
    a.testAccuracy = 0.981;
    b.id = 5;
    b.testAccuracy = 0.9755;
    const auto rows = ablationTable({"relu", "sigmoid"}, {a, b}, {fast, slow}, 0.97);
    QCOMPARE(rows[0].epochsToTarget, 2);
    QCOMPARE(rows[1].epochsToTarget, 0);
    QCOMPARE(rows[0].testDifference, 0.0);
    QVERIFY(std::abs(rows[1].testDifference - (-0.55)) < 1e-9);
}

STUDIO_TEST_GUILESS_MAIN(TestAblation)
#include "tst_ablation.moc"
