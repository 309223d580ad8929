// precision bfloat16 (training/MixedPrecision): what the autocast scope computes and leaves behind,
// a run trained at it, and the one message a CPU without AVX-512 BF16 gets.
#include "models/ModelRegistry.h"
#include "models/Predictions.h"
#include "support/SyntheticData.h"
#include "training/Checkpoint.h"
#include "training/MixedPrecision.h"
#include "training/Trainer.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <ATen/autocast_mode.h>

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;

namespace {

/// Largest |a − b| relative to the largest |b|.
double relativeError(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kFloat) - b).abs().max().item<double>() / b.abs().max().item<double>();
}

} // namespace

class TestMixedPrecision : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void scopeComputesInBfloat16AndEndsCleanly();
    void scopeSeesTheOptimizersNewWeights();
    void trainsAtBfloat16OrSaysWhy();
};

void TestMixedPrecision::initTestCase()
{
    torch::manual_seed(3);
}

void TestMixedPrecision::scopeComputesInBfloat16AndEndsCleanly()
{
    // A convolutional model where bfloat16 is native; elsewhere the MLP (matrix products in
    // bfloat16 work on any CPU, only slowly).
    const auto id = bfloat16Native() ? "resnet" : "mlp";
    auto model = buildModel(id, {});
    model->eval();
    const auto x = torch::randn({8, 1, 28, 28});
    torch::NoGradGuard noGrad;
    const auto reference = model->forward(x);
    torch::Tensor mixed;
    {
        AutocastScope scope(Precision::BFloat16);
        QVERIFY(at::autocast::is_cpu_enabled());
        mixed = model->forward(x);
    }
    QCOMPARE(mixed.scalar_type(), torch::kBFloat16); // the last layer's matrix product
    const double error = relativeError(mixed, reference);
    QVERIFY2(error > 0 && error < 0.05, qPrintable(QString("%1: relative error %2").arg(id).arg(error)));
    QVERIFY(!at::autocast::is_cpu_enabled());
    const auto after = model->forward(x);
    QCOMPARE(after.scalar_type(), torch::kFloat);
    QVERIFY(torch::equal(after, reference));
    for (const auto& p : model->parameters())
        QCOMPARE(p.scalar_type(), torch::kFloat);
    {
        AutocastScope off(Precision::Float32); // float32: nothing changes
        QVERIFY(!at::autocast::is_cpu_enabled());
        QVERIFY(torch::equal(model->forward(x), reference));
    }
}

void TestMixedPrecision::scopeSeesTheOptimizersNewWeights()
{
    // Autocast caches the bfloat16 copies of the weights; a step later they must be the new ones.
    auto model = buildModel("mlp", {});
    model->eval();
    const auto x = torch::randn({4, 1, 28, 28});
    torch::Tensor before;
    {
        AutocastScope scope(Precision::BFloat16);
        before = model->forward(x);
    }
    {
        torch::NoGradGuard noGrad;
        for (auto& p : model->parameters())
            p.mul_(-1.5);
    }
    torch::Tensor now;
    {
        AutocastScope scope(Precision::BFloat16);
        now = model->forward(x);
    }
    const auto reference = model->forward(x);
    QVERIFY(!torch::allclose(now.to(torch::kFloat), before.to(torch::kFloat), 0.1, 0.1));
    QVERIFY2(relativeError(now, reference) < 0.05, qPrintable(QString::number(relativeError(now, reference))));
}

void TestMixedPrecision::trainsAtBfloat16OrSaysWhy()
{
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(40, 20);
    TrainConfig c;
    c.model = "simple-cnn";
    c.batchSize = 32;
    c.numEpochs = 2;
    c.threads = 1;
    c.valFraction = 0.2;
    c.precision = Precision::BFloat16;
    if (!bfloat16Native()) { // refused before anything is written
        try {
            Trainer refused(c, data, dir.path());
            QFAIL("bfloat16 accepted on a CPU without AVX-512 BF16");
        } catch (const StudioError& e) {
            QVERIFY2(QString(e.what()).contains("needs a CPU with AVX-512 BF16"), e.what());
            QVERIFY(QString(e.what()).contains("train with precision float32"));
        }
        QVERIFY(QDir(dir.path()).isEmpty());
        return;
    }
    Trainer trainer(c, data, dir.path());
    const auto result = trainer.run();
    QCOMPARE(result.reason, FinishReason::Completed);
    const auto test = predict(*trainer.model(), data.test, data.mean, data.std);
    QVERIFY2(test.accuracy > 0.9, qPrintable(QString("test accuracy %1").arg(test.accuracy)));
    // The checkpoint holds float32 weights, and the run's config says how it was trained.
    auto restored = buildModel(c.model, {});
    const auto loaded = loadCheckpoint(trainer.latestPath(), *restored, nullptr);
    QCOMPARE(loaded.config.precision, Precision::BFloat16);
    for (const auto& p : restored->parameters())
        QCOMPARE(p.scalar_type(), torch::kFloat);
    QVERIFY(predict(*restored, data.test, data.mean, data.std).accuracy > 0.9);
}

STUDIO_TEST_GUILESS_MAIN(TestMixedPrecision)
#include "tst_mixedprecision.moc"
