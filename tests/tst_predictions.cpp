#include "data/ModelInput.h"
#include "models/Predictions.h"
#include "models/ModelRegistry.h"
#include "support/SyntheticData.h"
#include "util/TorchThreads.h"
#include "support/TestMain.h"

#include <ATen/Parallel.h>
#include <QTest>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/functional/loss.h>

#include <atomic>

using namespace studio;

/// `predict` splits the images into batches that worker threads take in turn; what it returns must
/// be the model's output for every image in dataset order, whatever the workers and batch size.
class TestPredictions : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void outputsFollowTheDatasetOrder_data();
    void outputsFollowTheDatasetOrder();
    void cancelStopsWithoutAResult();
    void trainingModeIsRestored();

private:
    LabeledImages m_images;
    Classifier m_model;
};

void TestPredictions::initTestCase()
{
    m_images = test::syntheticDataset(30, 1).train; // 300 images
    torch::manual_seed(7);
    m_model = buildModel("tf-cnn");
}

void TestPredictions::outputsFollowTheDatasetOrder_data()
{
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("batchSize");
    QTest::newRow("one worker, uneven last batch") << 1 << 64;
    QTest::newRow("two workers, uneven last batch") << 2 << 64;
    QTest::newRow("two workers, one image per batch") << 2 << 1;
    QTest::newRow("two workers, one batch") << 2 << 1000;
}

void TestPredictions::outputsFollowTheDatasetOrder()
{
    QFETCH(int, threads);
    QFETCH(int, batchSize);
    const double mean = 0.2, std = 0.3;
    configureTorchThread(1);
    m_model->eval();
    torch::Tensor whole;
    {
        torch::NoGradGuard noGrad;
        whole = m_model->forward(toModelInput(m_images.images, mean, std));
    }
    m_model->train();

    configureTorchThread(threads);
    const auto p = predict(*m_model, m_images, mean, std, batchSize);
    configureTorchThread(1);

    QCOMPARE(p.size(), m_images.size());
    QVERIFY(!p.cancelled);
    QVERIFY(torch::allclose(p.logits, whole, 1e-4, 1e-5));
    QVERIFY(torch::equal(p.labels, m_images.labels));
    QVERIFY(torch::equal(p.predicted, whole.argmax(1)));
    const double accuracy = whole.argmax(1).eq(m_images.labels).sum().item<double>() / 300.0;
    QCOMPARE(p.accuracy, accuracy);
    const double loss = torch::nn::functional::cross_entropy(whole, m_images.labels).item<double>();
    QVERIFY2(std::abs(p.meanLoss - loss) < 1e-5, qPrintable(QString("%1 vs %2").arg(p.meanLoss).arg(loss)));
    QVERIFY(torch::allclose(p.probabilities.sum(1), torch::ones({300})));
}

void TestPredictions::cancelStopsWithoutAResult()
{
    configureTorchThread(2);
    std::atomic<int> polls{0};
    const auto p = predict(*m_model, m_images, 0.2, 0.3, 10, [&] { return ++polls > 3; });
    configureTorchThread(1);
    QVERIFY(p.cancelled);
    QCOMPARE(p.size(), 0);
    QVERIFY(polls.load() < 30); // stopped after a few of the 30 batches, not at the end
}

void TestPredictions::trainingModeIsRestored()
{
    m_model->train();
    predict(*m_model, m_images.head(20), 0.2, 0.3);
    QVERIFY(m_model->is_training());
    m_model->eval();
    predict(*m_model, m_images.head(20), 0.2, 0.3);
    QVERIFY(!m_model->is_training());
}

STUDIO_TEST_GUILESS_MAIN(TestPredictions)
#include "tst_predictions.moc"
