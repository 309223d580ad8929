#include "models/Predictions.h"
#include "support/Printers.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "training/OptimizerFactory.h"
#include "training/Presets.h"
#include "training/Trainer.h"
#include "training/TrainConfig.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QJsonDocument>

#include <tuple>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;

class TestTrainConfig : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaultsAndPresetsAreValid();
    void seed000ConfigJsonLoadsAsIs();
    void jsonRoundTripKeepsEveryField();
    void invalidValuesNameTheirField_data();
    void invalidValuesNameTheirField();
    void wrongTypesAndChoicesNameTheirField();
    void fileErrorsNameTheFile();
    void cliTextSetsFields();
    void activationChoiceOnlyWhereTheModelHasOne();
    void fieldsApplyOnlyWhereTheyHaveAnEffect();
    void adamBetasReachTheOptimizer();
    void speedrunPresetLearnsInItsOneEpoch();
    void bestPresetLearnsAndKeepsTheAverage();
};

void TestTrainConfig::defaultsAndPresetsAreValid()
{
    QVERIFY(configProblems(TrainConfig{}).empty());
    QCOMPARE(int(presets().size()), 8);
    for (const auto& p : presets())
        QVERIFY2(configProblems(p.config).empty(), p.id.c_str());
}

void TestTrainConfig::seed000ConfigJsonLoadsAsIs()
{
    // The file seed 000 writes (json.dump(config, indent=2)).
    const QByteArray seed = R"({
  "model": "MNISTResNet",
  "batch_size": 128,
  "learning_rate": 0.1,
  "weight_decay": 0.0001,
  "momentum": 0.9,
  "num_epochs": 30,
  "warmup_epochs": 3,
  "dropout_rate": 0.25,
  "seed": 42,
  "optimizer": "SGD",
  "scheduler": "CosineAnnealingLR",
  "early_stopping_patience": 10
})";
    QTemporaryDir dir;
    QFile f(dir.filePath("config.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(seed);
    f.close();
    std::vector<std::string> ignored;
    const auto c = loadConfigFile(f.fileName(), &ignored);
    QVERIFY(ignored.empty());
    QCOMPARE(c.model, std::string("resnet"));
    QCOMPARE(c.batchSize, 128);
    QCOMPARE(c.learningRate, 0.1);
    QCOMPARE(c.weightDecay, 1e-4);
    QCOMPARE(c.momentum, 0.9);
    QCOMPARE(c.numEpochs, 30);
    QCOMPARE(c.warmupEpochs, 3.0);
    QCOMPARE(c.dropoutRate, 0.25);
    QCOMPARE(c.seed, std::uint64_t(42));
    QCOMPARE(c.optimizer, OptimizerKind::Sgd);
    QCOMPARE(c.scheduler, SchedulerKind::WarmupCosine);
    QCOMPARE(c.earlyStoppingPatience, 10);
    QCOMPARE(c.precision, Precision::Float32); // no key (every earlier run's config): as before
}

void TestTrainConfig::jsonRoundTripKeepsEveryField()
{
    auto c = findPreset("seed003-tiny")->config;
    c.name = "round trip";
    c.nesterov = true;
    c.earlyStoppingMonitor = Monitor::ValAccuracy;
    c.augment.eraseAreaMax = 0.2;
    c.limitTrain = 1234;
    c.precision = Precision::BFloat16;
    QTemporaryDir dir;
    saveConfigFile(dir.filePath("c.json"), c);
    QVERIFY(loadConfigFile(dir.filePath("c.json")) == c);
    QCOMPARE(configToJson(c).size(), qsizetype(configFields().size()));
    QCOMPARE(configToJson(c).value("scheduler").toString(), QString("onecycle"));
    QCOMPARE(configToJson(c).value("precision").toString(), QString("bfloat16"));
}

void TestTrainConfig::invalidValuesNameTheirField_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("lr zero") << "learning_rate"
                             << "0"
                             << "learning_rate must be between";
    QTest::newRow("lr absurd") << "learning_rate"
                               << "1000"
                               << "learning_rate must be between";
    QTest::newRow("batch zero") << "batch_size"
                                << "0"
                                << "batch_size must be between 1 and 65536, got 0";
    QTest::newRow("negative epochs") << "num_epochs"
                                     << "-3"
                                     << "num_epochs must be between";
    QTest::newRow("unknown arch") << "model"
                                  << "vgg16"
                                  << "model \"vgg16\" is unknown";
    QTest::newRow("warmup too long") << "warmup_epochs"
                                     << "10"
                                     << "warmup_epochs (10) must be less than num_epochs (10)";
    QTest::newRow("momentum one") << "momentum"
                                  << "1"
                                  << "momentum must be between";
    QTest::newRow("val fraction") << "val_fraction"
                                  << "0.95"
                                  << "val_fraction must be between";
    QTest::newRow("dropout") << "dropout_rate"
                             << "-0.5"
                             << "dropout_rate must be between 0 and 0.95, or -1";
}

void TestTrainConfig::invalidValuesNameTheirField()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, message);
    TrainConfig c;
    c.scheduler = SchedulerKind::WarmupCosine;
    setConfigField(c, *findConfigField(key.toStdString()), value);
    try {
        validateConfig(c);
        QFAIL("invalid config accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains(message), e.what());
    }
}

void TestTrainConfig::wrongTypesAndChoicesNameTheirField()
{
    auto expectError = [](const QByteArray& json, const QString& fragment) {
        try {
            configFromJson(QJsonDocument::fromJson(json).object());
            QFAIL("accepted");
        } catch (const StudioError& e) {
            QVERIFY2(QString(e.what()).contains(fragment), e.what());
        }
    };
    expectError(R"({"batch_size": "lots"})", "batch_size must be a whole number");
    expectError(R"({"batch_size": 12.5})", "batch_size must be a whole number");
    expectError(R"({"optimizer": "rmsprop"})", "optimizer must be one of sgd, adam, adamw, got \"rmsprop\"");
    expectError(R"({"nesterov": "yes"})", "nesterov must be true or false");
    expectError(R"({"precision": "fp16"})", "precision must be one of float32, bfloat16, got \"fp16\"");
    std::vector<std::string> ignored;
    configFromJson(QJsonDocument::fromJson(R"({"learnin_rate": 0.1, "seed": 3})").object(), &ignored);
    QCOMPARE(ignored, std::vector<std::string>{"learnin_rate"});
}

void TestTrainConfig::fileErrorsNameTheFile()
{
    QTemporaryDir dir;
    QVERIFY_THROWS_EXCEPTION(StudioError, loadConfigFile(dir.filePath("missing.json")));
    QFile f(dir.filePath("broken.json"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\"model\": ");
    f.close();
    try {
        loadConfigFile(f.fileName());
        QFAIL("broken JSON accepted");
    } catch (const StudioError& e) {
        QVERIFY(QString(e.what()).contains("broken.json"));
        QVERIFY(QString(e.what()).contains("not a JSON object"));
    }
}

void TestTrainConfig::cliTextSetsFields()
{
    TrainConfig c;
    setConfigField(c, *findConfigField("scheduler"), "OneCycleLR");
    setConfigField(c, *findConfigField("augmentation"), "on");
    setConfigField(c, *findConfigField("batch_size"), "256");
    setConfigField(c, *findConfigField("precision"), "BF16");
    QCOMPARE(c.precision, Precision::BFloat16);
    QCOMPARE(c.scheduler, SchedulerKind::OneCycle);
    QVERIFY(c.augment.enabled);
    QCOMPARE(c.batchSize, 256);
    QVERIFY_THROWS_EXCEPTION(StudioError, setConfigField(c, *findConfigField("batch_size"), "abc"));
}

void TestTrainConfig::activationChoiceOnlyWhereTheModelHasOne()
{
    TrainConfig c;
    c.activation = Activation::Sigmoid;
    for (const char* model : {"mlp", "simple-cnn", "tf-cnn", "deeper-cnn"}) {
        c.model = model;
        QVERIFY2(configProblems(c).empty(), model);
    }
    c.model = "resnet";
    const auto problems = configProblems(c);
    QCOMPARE(int(problems.size()), 1);
    QVERIFY2(QString::fromStdString(problems[0]).contains("activation sigmoid: resnet has a fixed activation"),
             problems[0].c_str());
}

void TestTrainConfig::fieldsApplyOnlyWhereTheyHaveAnEffect()
{
    TrainConfig c; // adam, constant schedule, no early stopping, no augmentation, simple-cnn
    for (const char* key : {"momentum", "nesterov", "warmup_epochs", "step_size", "max_lr", "early_stopping_monitor",
                            "restore_best_weights", "aug_rotation", "aug_erase_p"})
        QVERIFY2(!configFieldApplies(c, key), key);
    for (const char* key :
         {"learning_rate", "batch_size", "optimizer", "augmentation", "early_stopping_patience", "activation", "seed"})
        QVERIFY2(configFieldApplies(c, key), key);
    c.optimizer = OptimizerKind::Sgd;
    c.scheduler = SchedulerKind::OneCycle;
    c.earlyStoppingPatience = 3;
    c.augment.enabled = true;
    c.model = "tiny-v3";
    for (const char* key : {"momentum", "max_lr", "pct_start", "early_stopping_min_delta", "aug_shear"})
        QVERIFY2(configFieldApplies(c, key), key);
    QVERIFY(!configFieldApplies(c, "learning_rate"));
    QVERIFY(!configFieldApplies(c, "activation"));
    QVERIFY(!configFieldApplies(c, "adam_beta1")); // SGD
    c.optimizer = OptimizerKind::AdamW;
    QVERIFY(configFieldApplies(c, "adam_beta2"));
}

/// Two Adam steps on p with gradients 2 then 1, by hand (torch.optim.Adam's definition): the first
/// step is lr·sign(g) whatever the betas; the second is lr·m̂/(√v̂ + ε) with m̂ = m/(1−β1²),
/// v̂ = v/(1−β2²): 0.907319·lr for betas (0.7, 0.9), 0.932179·lr for the defaults (0.9, 0.999).
void TestTrainConfig::adamBetasReachTheOptimizer()
{
    for (const auto& [b1, b2, expected] : {std::tuple{0.7, 0.9, 0.907319}, std::tuple{0.9, 0.999, 0.932179}}) {
        TrainConfig c;
        c.adamBeta1 = b1;
        c.adamBeta2 = b2;
        auto p = torch::ones({1}, torch::requires_grad());
        auto optimizer = makeOptimizer(c, {p}, 0.1);
        for (double g : {2.0, 1.0}) {
            optimizer->zero_grad();
            (p * g).sum().backward();
            optimizer->step();
        }
        const double second = (1.0 - 0.1) - p.item<double>();
        QVERIFY2(std::abs(second - 0.1 * expected) < 1e-5, qPrintable(QString::number(second / 0.1, 'g', 8)));
    }
}

/// The speedrun preset as shipped (one epoch, no validation split) learns a small task.
void TestTrainConfig::speedrunPresetLearnsInItsOneEpoch()
{
    const auto data = test::syntheticDataset(300, 30);
    auto c = findPreset("speedrun")->config;
    c.threads = 1;
    QTemporaryDir dir;
    Trainer trainer(c, data, dir.path());
    QCOMPARE(trainer.validationSize(), std::int64_t(0));
    QCOMPARE(trainer.trainingSize(), std::int64_t(3000));
    const auto result = trainer.run();
    QCOMPARE(result.reason, FinishReason::Completed);
    const double accuracy = predict(*trainer.model(), data.test, data.mean, data.std).accuracy;
    QVERIFY2(accuracy > 0.8, qPrintable(QString("test accuracy %1 after one epoch").arg(accuracy)));
}

/// The best preset's recipe (kaggle-cnn, augmentation, weight average) learns a small task in two
/// of its epochs, validating the average beside the weights.
void TestTrainConfig::bestPresetLearnsAndKeepsTheAverage()
{
    const auto data = test::syntheticDataset(100, 30);
    auto c = findPreset("best")->config;
    QVERIFY(c.emaDecay > 0 && c.augment.enabled);
    c.numEpochs = 2;
    c.batchSize = 32; // 28 steps an epoch on 900 images
    c.emaDecay = 0.9; // the preset's 0.999 averages over more steps than two small epochs have
    c.threads = 1;
    QTemporaryDir dir;
    Trainer trainer(c, data, dir.path());
    test::Recorder seen;
    trainer.addObserver(&seen);
    QCOMPARE(trainer.run().reason, FinishReason::Completed);
    QCOMPARE(int(seen.epochs.size()), 2);
    QVERIFY(std::isfinite(seen.epochs.back().emaValAccuracy));
    const double accuracy = predict(*trainer.model(), data.test, data.mean, data.std).accuracy;
    QVERIFY2(accuracy > 0.8, qPrintable(QString("test accuracy %1 after two epochs").arg(accuracy)));
}

STUDIO_TEST_GUILESS_MAIN(TestTrainConfig)
#include "tst_trainconfig.moc"
