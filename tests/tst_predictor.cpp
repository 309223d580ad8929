// The Draw page's predictor scores with its model's batch norms folded in, on the thread count and
// layout (LibTorch's, or oneDNN's with packed convolutions) it timed fastest: whichever it chose,
// its probabilities are the checkpoint's own model's, one image at a time or in a batch. And each
// of the layer paths it may take gives LibTorch's numbers for every architecture.
#include "data/ImageTensor.h"
#include "data/ModelInput.h"
#include "inference/Predictor.h"
#include "models/Layers.h"
#include "models/ModelRegistry.h"
#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "support/TestMain.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <QTemporaryDir>
#include <QTest>

using namespace studio;

class TestPredictor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scoresAsTheCheckpointsModel_data();
    void scoresAsTheCheckpointsModel();
    void smallBatchConvolutionsMatchLibTorch();
    void foldedBatchNormsComputeTheSame_data();
    void foldedBatchNormsComputeTheSame();
    void packedConvolutionsComputeTheSame_data();
    void packedConvolutionsComputeTheSame();
};

void TestPredictor::scoresAsTheCheckpointsModel_data()
{
    QTest::addColumn<QString>("arch");
    for (const char* arch : {"deeper-cnn", "resnet", "tiny-v1", "kaggle-cnn", "simple-cnn", "mlp"})
        QTest::newRow(arch) << arch;
}

void TestPredictor::scoresAsTheCheckpointsModel()
{
    QFETCH(QString, arch);
    QTemporaryDir dir;
    const auto data = test::syntheticDataset(10, 2);
    const auto checkpoint = test::trainCheckpoint(arch.toStdString(), data, dir.path());
    QVERIFY(!checkpoint.isEmpty());
    const Predictor predictor(checkpoint);
    QVERIFY(predictor.threads() == 1 || predictor.threads() == 2);
    const auto reference = loadModelFromCheckpoint(checkpoint); // as trained: no folding, no packing
    torch::NoGradGuard noGrad;
    std::vector<cv::Mat> images;
    for (int i = 0; i < 6; ++i)
        images.push_back(matFromTensor(data.test.images[i]));
    const auto want =
        torch::softmax(reference.model->forward(toModelInput(data.test.images.slice(0, 0, 6), reference.meta.data.mean,
                                                             reference.meta.data.std)),
                       1);
    const auto batch = predictor.probabilities(images);
    QCOMPARE(int(batch.size()), 6 * 10);
    for (int i = 0; i < 6; ++i) {
        const auto one = predictor.probabilities(images[std::size_t(i)]);
        QCOMPARE(int(one.size()), 10);
        for (int k = 0; k < 10; ++k) {
            const float expected = want[i][k].item<float>();
            QVERIFY2(std::abs(one[std::size_t(k)] - expected) < 1e-4f,
                     qPrintable(QString("image %1 class %2").arg(i).arg(k)));
            QVERIFY(std::abs(batch[std::size_t(i * 10 + k)] - expected) < 1e-4f);
        }
    }
}

// layers::Conv2d hands small no-grad batches on more than one thread to oneDNN: the same numbers
// as LibTorch's own convolution, on one thread or two, in either memory layout; a clone keeps that.
void TestPredictor::smallBatchConvolutionsMatchLibTorch()
{
    torch::manual_seed(3);
    auto conv = layers::conv(16, 32, 3, 1, true, 2);
    const int before = at::get_num_threads();
    torch::NoGradGuard noGrad;
    for (int threads : {1, 2}) {
        at::set_num_threads(threads);
        for (const auto format : {at::MemoryFormat::Contiguous, at::MemoryFormat::ChannelsLast})
            for (std::int64_t n : {1, 3, 20}) {
                const auto x = torch::randn({n, 16, 14, 14}).contiguous(format);
                const auto want = torch::conv2d(x, conv->weight, conv->bias, 2, 1);
                const auto got = conv->forward(x);
                QCOMPARE(got.sizes(), want.sizes());
                QVERIFY((got - want).abs().max().item<float>() < 1e-5);
            }
    }
    at::set_num_threads(before);
    const auto copy = conv->clone();
    QVERIFY(std::dynamic_pointer_cast<layers::Conv2dImpl>(copy));
    QVERIFY(torch::equal(copy->named_parameters()["weight"], conv->weight));
}

void TestPredictor::foldedBatchNormsComputeTheSame_data()
{
    QTest::addColumn<QString>("arch");
    QTest::addColumn<int>("folds"); // conv → BN (and linear → BN) pairs; BN after an activation stays
    QTest::newRow("deeper-cnn") << "deeper-cnn" << 7; // six convolutions, fc1
    QTest::newRow("resnet") << "resnet" << 15;        // stem, 6 blocks × 2, two shortcuts
    QTest::newRow("plain-cnn") << "plain-cnn" << 12;  // every convolution
    QTest::newRow("kaggle-cnn") << "kaggle-cnn" << 0; // conv → ReLU → BN
    QTest::newRow("tiny-v3") << "tiny-v3" << 0;       // conv → ReLU → BN
    QTest::newRow("simple-cnn") << "simple-cnn" << 0; // no batch norm
}

// Folding batch norms into the layers before them (the Draw page's predictor does) changes no
// output beyond rounding, on statistics far from the initial ones, and leaves the original alone;
// a clone of the folded model (bias-free convolutions that gained a bias) computes the same.
void TestPredictor::foldedBatchNormsComputeTheSame()
{
    QFETCH(QString, arch);
    QFETCH(int, folds);
    torch::manual_seed(5);
    auto model = buildModel(arch.toStdString());
    torch::NoGradGuard noGrad;
    for (auto& m : model->modules()) {
        if (auto* bn = m->as<torch::nn::BatchNorm2dImpl>()) {
            bn->weight.uniform_(0.5, 2);
            bn->bias.normal_(0, 0.5);
            bn->running_mean.normal_(0, 0.5);
            bn->running_var.uniform_(0.2, 3);
        } else if (auto* bn1 = m->as<torch::nn::BatchNorm1dImpl>()) {
            bn1->weight.uniform_(0.5, 2);
            bn1->running_var.uniform_(0.2, 3);
            bn1->running_mean.normal_(0, 0.5);
        }
    }
    model->eval();
    const auto x = torch::randn({5, 1, 28, 28});
    const auto want = model->forward(x);
    const auto folded = model->cloneClassifier();
    QCOMPARE(layers::foldBatchNorms(*folded), folds);
    QCOMPARE(layers::foldBatchNorms(*folded), 0); // once only
    const auto tolerance = 1e-4 * (1 + want.abs().max().item<float>());
    QVERIFY2((folded->forward(x) - want).abs().max().item<float>() < tolerance, "folded");
    QVERIFY(torch::equal(model->forward(x), want));
    QVERIFY2((folded->cloneClassifier()->forward(x) - want).abs().max().item<float>() < tolerance, "clone");
}

void TestPredictor::packedConvolutionsComputeTheSame_data()
{
    QTest::addColumn<QString>("arch");
    for (const auto& m : modelRegistry())
        QTest::newRow(m.id.c_str()) << QString::fromStdString(m.id);
}

// One image in oneDNN's layout through packed convolutions (the Draw page's other way to score)
// gives LibTorch's logits on one thread or two; weights changed after packing are the ones used.
void TestPredictor::packedConvolutionsComputeTheSame()
{
    QFETCH(QString, arch);
    torch::manual_seed(6);
    auto model = buildModel(arch.toStdString());
    model->eval();
    torch::NoGradGuard noGrad;
    layers::foldBatchNorms(*model);
    const int packed = layers::packConvolutions(*model);
    if (arch == "mlp")
        QCOMPARE(packed, 0);
    else
        QVERIFY(packed > 0);
    const auto x = torch::randn({1, 1, 28, 28});
    const auto dense = [&](const torch::Tensor& in) {
        const auto out = model->forward(in.to_mkldnn());
        return out.is_mkldnn() ? out.to_dense() : out;
    };
    const int before = at::get_num_threads();
    for (int threads : {1, 2}) {
        at::set_num_threads(threads);
        const auto want = model->forward(x);
        const auto got = dense(x);
        QCOMPARE(got.sizes(), want.sizes());
        QVERIFY((got - want).abs().max().item<float>() < 1e-4 * (1 + want.abs().max().item<float>()));
    }
    at::set_num_threads(before);
    for (auto& p : model->parameters())
        p.mul_(-1);
    QVERIFY((dense(x) - model->forward(x)).abs().max().item<float>() < 1e-4);
}

STUDIO_TEST_GUILESS_MAIN(TestPredictor)
#include "tst_predictor.moc"
