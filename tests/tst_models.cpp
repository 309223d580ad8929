#include "data/ModelInput.h"
#include "models/Layers.h"
#include "models/ModelRegistry.h"
#include "models/ModelSummary.h"
#include "support/TestMain.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <QLocale>
#include <QTest>

using namespace studio;

namespace {
// Independent parameter arithmetic (weights + biases; BatchNorm: weight + bias per channel).
constexpr std::int64_t conv(std::int64_t in, std::int64_t out, std::int64_t k, bool bias)
{
    return in * out * k * k + (bias ? out : 0);
}
constexpr std::int64_t fc(std::int64_t in, std::int64_t out)
{
    return in * out + out;
}
/// Multiply-adds of a convolution producing an out×side×side map from `in` channels with k×k kernels.
constexpr std::int64_t convMacs(std::int64_t in, std::int64_t out, std::int64_t k, std::int64_t side)
{
    return side * side * out * in * k * k;
}
constexpr std::int64_t bn(std::int64_t c)
{
    return 2 * c;
}
constexpr std::int64_t tinyTrunk = conv(1, 8, 3, false) + bn(8) + conv(8, 16, 3, false) + bn(16) +
                                   conv(16, 10, 1, false) + conv(10, 16, 3, false) + bn(16) + conv(16, 16, 3, false) +
                                   bn(16) + conv(16, 10, 3, false) + bn(10) + conv(10, 10, 3, false) + bn(10);
constexpr std::int64_t block(std::int64_t in, std::int64_t out, bool projection)
{
    return conv(in, out, 3, false) + bn(out) + conv(out, out, 3, false) + bn(out) +
           (projection ? conv(in, out, 1, false) + bn(out) : 0);
}
constexpr std::int64_t plainLayer(std::int64_t in, std::int64_t out)
{
    return conv(in, out, 3, true) + bn(out);
}
} // namespace

class TestModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void parameterCountsMatchTheSeeds_data();
    void parameterCountsMatchTheSeeds();
    void summaryTotalsAgreeWithTheModel_data() { parameterCountsMatchTheSeeds_data(); }
    void summaryTotalsAgreeWithTheModel();
    void multiplyAddsAreCountedByHand_data();
    void multiplyAddsAreCountedByHand();
    void sigmoidMlpHasTheSameParametersButOtherOutputs();
    void unknownArchitectureNamesTheKnownOnes();
    void maxPoolMatchesTorchPooling_data();
    void maxPoolMatchesTorchPooling();
    void channelsLastInputGivesTheSameOutputs_data() { parameterCountsMatchTheSeeds_data(); }
    void channelsLastInputGivesTheSameOutputs();
    void cloneIsIndependentWithIdenticalOutputs_data() { parameterCountsMatchTheSeeds_data(); }
    void cloneIsIndependentWithIdenticalOutputs();
};

void TestModels::parameterCountsMatchTheSeeds_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<qint64>("expected");
    QTest::addColumn<qint64>("derived");
    QTest::newRow("mlp (seed 002)") << "mlp" << qint64(535818) << qint64(fc(784, 512) + fc(512, 256) + fc(256, 10));
    QTest::newRow("simple-cnn (seed 004)")
        << "simple-cnn" << qint64(421642)
        << qint64(conv(1, 32, 3, true) + conv(32, 64, 3, true) + fc(3136, 128) + fc(128, 10));
    QTest::newRow("tf-cnn (seed 001)") << "tf-cnn" << qint64(93322)
                                       << qint64(conv(1, 32, 3, true) + conv(32, 64, 3, true) + conv(64, 64, 3, true) +
                                                 fc(576, 64) + fc(64, 10));
    QTest::newRow("fast-cnn (train_mnist_fast)")
        << "fast-cnn" << qint64(215194)
        << qint64(conv(1, 24, 5, true) + conv(24, 32, 3, true) + fc(800, 256) + fc(256, 10));
    QTest::newRow("deeper-cnn") << "deeper-cnn" << qint64(511018)
                                << qint64(plainLayer(1, 32) + plainLayer(32, 32) + plainLayer(32, 64) +
                                          plainLayer(64, 64) + plainLayer(64, 128) + plainLayer(128, 128) +
                                          fc(1152, 192) + bn(192) + fc(192, 10));
    // Keras reports 327,242 for it: BatchNorm's 832 running statistics counted as parameters.
    QTest::newRow("kaggle-cnn (Deotte)") << "kaggle-cnn" << qint64(326410)
                                         << qint64(conv(1, 32, 3, true) + conv(32, 32, 3, true) +
                                                   conv(32, 32, 5, true) + 3 * bn(32) + conv(32, 64, 3, true) +
                                                   conv(64, 64, 3, true) + conv(64, 64, 5, true) + 3 * bn(64) +
                                                   conv(64, 128, 4, true) + bn(128) + fc(128, 10));
    QTest::newRow("resnet (seed 000)") << "resnet" << qint64(696042)
                                       << qint64(conv(1, 32, 3, false) + bn(32) + 2 * block(32, 32, false) +
                                                 block(32, 64, true) + block(64, 64, false) + block(64, 128, true) +
                                                 block(128, 128, false) + fc(128, 10));
    QTest::newRow("plain-cnn (seed 000)")
        << "plain-cnn" << qint64(677034)
        << qint64(plainLayer(1, 32) + 3 * plainLayer(32, 32) + plainLayer(32, 64) + 3 * plainLayer(64, 64) +
                  plainLayer(64, 128) + 3 * plainLayer(128, 128) + fc(128, 10));
    QTest::newRow("tiny-v1 (seed 003)") << "tiny-v1" << qint64(7720) << qint64(tinyTrunk + conv(10, 10, 1, false));
    QTest::newRow("tiny-v2 (seed 003)") << "tiny-v2" << qint64(7730) << qint64(tinyTrunk + fc(10, 10));
    QTest::newRow("tiny-v3 (seed 003)") << "tiny-v3" << qint64(8650)
                                        << qint64(tinyTrunk + conv(10, 10, 3, false) + bn(10) + fc(10, 10));
}

void TestModels::parameterCountsMatchTheSeeds()
{
    QFETCH(QString, id);
    QFETCH(qint64, expected);
    QFETCH(qint64, derived);
    QCOMPARE(derived, expected); // the seeds' numbers follow from the layer definitions
    const auto* info = findModel(id.toStdString());
    QVERIFY(info);
    QCOMPARE(info->parameterCount(), expected);
    auto model = info->build({});
    model->eval();
    const auto out = model->forward(torch::randn({3, 1, 28, 28}));
    QCOMPARE(out.sizes().vec(), (std::vector<std::int64_t>{3, 10}));
    QVERIFY(torch::isfinite(out).all().item<bool>());
}

void TestModels::summaryTotalsAgreeWithTheModel()
{
    QFETCH(QString, id);
    QFETCH(qint64, expected);
    auto model = buildModel(id.toStdString());
    const auto s = summarizeModel(*model);
    QCOMPARE(s.totalParameters, expected);
    std::int64_t sum = 0;
    for (const auto& r : s.rows)
        sum += r.parameters;
    QCOMPARE(sum, expected); // every parameter belongs to exactly one row
    QCOMPARE(s.rows.back().shape, (std::vector<std::int64_t>{1, 10}));
    const auto text = QString::fromStdString(s.toText()).trimmed();
    QCOMPARE(text.split('\n').last(), QString("total params: %1").arg(expected));
    const QLocale english(QLocale::English); // digits grouped in threes, as the summary prints them
    QVERIFY2(text.contains("Multiply-adds per image: " + english.toString(qint64(s.multiplyAdds)) + " forward, "),
             qPrintable(text));
}

void TestModels::multiplyAddsAreCountedByHand_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<qint64>("forward");
    QTest::addColumn<qint64>("firstLayer"); // its input gradient is not computed in training
    QTest::newRow("mlp") << "mlp" << qint64(784 * 512 + 512 * 256 + 256 * 10) << qint64(784 * 512);
    QTest::newRow("simple-cnn") << "simple-cnn"
                                << qint64(convMacs(1, 32, 3, 28) + convMacs(32, 64, 3, 14) + 3136 * 128 + 128 * 10)
                                << qint64(convMacs(1, 32, 3, 28));
    QTest::newRow("fast-cnn") << "fast-cnn"
                              << qint64(convMacs(1, 24, 5, 24) + convMacs(24, 32, 3, 10) + 800 * 256 + 256 * 10)
                              << qint64(convMacs(1, 24, 5, 24));
    // 28 → 26 → 24 → 12 (5×5 stride 2) → 10 → 8 → 4 (5×5 stride 2) → 1 (4×4).
    QTest::newRow("kaggle-cnn") << "kaggle-cnn"
                                << qint64(convMacs(1, 32, 3, 26) + convMacs(32, 32, 3, 24) + convMacs(32, 32, 5, 12) +
                                          convMacs(32, 64, 3, 10) + convMacs(64, 64, 3, 8) + convMacs(64, 64, 5, 4) +
                                          convMacs(64, 128, 4, 1) + 128 * 10)
                                << qint64(convMacs(1, 32, 3, 26));
    // Seed 000: stem, 2 blocks at 28×28, then 2 blocks each at 14×14 and 7×7 (the first strided, with
    // a 1×1 shortcut), global pooling, FC 128→10.
    const auto stage = [](std::int64_t in, std::int64_t out, std::int64_t side) {
        return convMacs(in, out, 3, side) + convMacs(out, out, 3, side) + convMacs(in, out, 1, side) +
               2 * convMacs(out, out, 3, side);
    };
    QTest::newRow("resnet (seed 000)") << "resnet"
                                       << qint64(convMacs(1, 32, 3, 28) + 4 * convMacs(32, 32, 3, 28) +
                                                 stage(32, 64, 14) + stage(64, 128, 7) + 128 * 10)
                                       << qint64(convMacs(1, 32, 3, 28));
}

void TestModels::multiplyAddsAreCountedByHand()
{
    QFETCH(QString, id);
    QFETCH(qint64, forward);
    QFETCH(qint64, firstLayer);
    auto model = buildModel(id.toStdString());
    const int before = at::get_num_threads();
    at::set_num_threads(2); // where layers::Conv2d takes its own path for one image
    const auto s = summarizeModel(*model);
    QCOMPARE(at::get_num_threads(), 2);
    at::set_num_threads(before);
    QCOMPARE(s.multiplyAdds, forward);
    QCOMPARE(s.trainingMultiplyAdds, 3 * forward - firstLayer);
    std::int64_t sum = 0;
    for (const auto& r : s.rows)
        sum += r.multiplyAdds;
    QCOMPARE(sum, forward);        // every product belongs to exactly one row
    QVERIFY(model->is_training()); // the summary left the model as it found it
}

void TestModels::sigmoidMlpHasTheSameParametersButOtherOutputs()
{
    ModelOptions relu, sigmoid;
    sigmoid.activation = Activation::Sigmoid;
    torch::manual_seed(1);
    auto a = buildModel("mlp", relu);
    torch::manual_seed(1);
    auto b = buildModel("mlp", sigmoid);
    QCOMPARE(countParameters(*a), countParameters(*b));
    a->eval();
    b->eval();
    const auto x = torch::randn({2, 1, 28, 28});
    QVERIFY(!torch::allclose(a->forward(x), b->forward(x)));
}

void TestModels::unknownArchitectureNamesTheKnownOnes()
{
    try {
        buildModel("vgg16");
        QFAIL("unknown architecture built");
    } catch (const std::exception& e) {
        QVERIFY(QString(e.what()).contains("vgg16"));
        QVERIFY(QString(e.what()).contains("tiny-v3"));
    }
}

void TestModels::maxPoolMatchesTorchPooling_data()
{
    QTest::addColumn<int>("channels");
    QTest::addColumn<int>("height");
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("grad");
    QTest::newRow("simple-cnn conv1 maps") << 32 << 28 << 28 << false;
    QTest::newRow("odd sizes crop the last row and column") << 16 << 7 << 5 << false;
    QTest::newRow("one channel") << 1 << 4 << 6 << false;
    QTest::newRow("training keeps torch's kernel") << 8 << 9 << 9 << true;
}

void TestModels::maxPoolMatchesTorchPooling()
{
    QFETCH(int, channels);
    QFETCH(int, height);
    QFETCH(int, width);
    QFETCH(bool, grad);
    torch::manual_seed(3);
    const auto x = torch::randn({3, channels, height, width});
    const auto expected = torch::max_pool2d(x, {2, 2}, {2, 2});
    layers::MaxPool2x2 pool;
    const auto input = x.contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(grad);
    torch::Tensor out;
    {
        c10::AutoGradMode mode(grad);
        out = pool->forward(input);
    }
    QCOMPARE(out.sizes().vec(), expected.sizes().vec());
    QVERIFY(torch::equal(out.contiguous(), expected));
    if (grad) { // one gradient per window, at its maximum
        out.sum().backward();
        QCOMPARE(input.grad().sum().item<double>(), static_cast<double>(expected.numel()));
    }
}

void TestModels::channelsLastInputGivesTheSameOutputs()
{
    QFETCH(QString, id);
    torch::manual_seed(5);
    auto model = buildModel(id.toStdString());
    model->eval();
    torch::NoGradGuard noGrad;
    const auto images = torch::randint(0, 256, {4, 28, 28}, torch::kUInt8);
    const auto marked = toModelInput(images, 0.1307, 0.3081);
    QCOMPARE(marked.stride(1), 1); // the channel stride is all that tells the layouts apart
    const auto plain = torch::empty(marked.sizes()).copy_(marked);
    QCOMPARE(plain.stride(1), 28 * 28);
    QVERIFY(torch::equal(plain, marked));
    QVERIFY(torch::allclose(model->forward(marked), model->forward(plain), 1e-4, 1e-5));
}

void TestModels::cloneIsIndependentWithIdenticalOutputs()
{
    QFETCH(QString, id);
    torch::manual_seed(11);
    auto model = buildModel(id.toStdString());
    const auto x = torch::randn({4, 1, 28, 28});
    {
        torch::NoGradGuard noGrad;
        model->forward(x); // training mode: BatchNorm's running statistics move off their defaults
    }
    auto copy = model->cloneClassifier();
    QVERIFY(copy && copy != model);
    QVERIFY(copy->is_training());
    QCOMPARE(copy->camLayer(), model->camLayer());

    const auto original = model->named_parameters(), cloned = copy->named_parameters();
    QCOMPARE(cloned.size(), original.size());
    for (const auto& p : original) {
        const auto& c = cloned[p.key()];
        QVERIFY2(torch::equal(c, p.value()), p.key().c_str());
        QVERIFY2(c.data_ptr() != p.value().data_ptr(), p.key().c_str()); // its own storage
        QCOMPARE(c.is_contiguous(at::MemoryFormat::ChannelsLast),
                 p.value().is_contiguous(at::MemoryFormat::ChannelsLast));
    }
    const auto buffers = model->named_buffers(), clonedBuffers = copy->named_buffers();
    QCOMPARE(clonedBuffers.size(), buffers.size());
    for (const auto& b : buffers)
        QVERIFY2(torch::equal(clonedBuffers[b.key()], b.value()), b.key().c_str());

    model->eval();
    copy->eval();
    torch::NoGradGuard noGrad;
    const auto before = model->forward(x);
    QVERIFY(torch::equal(copy->forward(x), before));
    for (auto& p : copy->parameters()) // changing the copy leaves the original alone
        p.add_(0.01);
    QVERIFY(torch::equal(model->forward(x), before));
    QVERIFY(!torch::equal(copy->forward(x), before));
}

STUDIO_TEST_GUILESS_MAIN(TestModels)
#include "tst_models.moc"
