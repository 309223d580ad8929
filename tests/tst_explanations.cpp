// Grad-CAM, saliency and feature maps on a model trained on the synthetic block task, where the
// evidence for each class is known: a bright block at a class-specific place.
#include "evaluation/Explanations.h"
#include "models/ModelRegistry.h"
#include "support/SyntheticData.h"
#include "training/Trainer.h"
#include "support/TestMain.h"

#include <QTemporaryDir>
#include <QTest>

using namespace studio;

namespace {

struct Box {
    int top = 28, left = 28, bottom = -1, right = -1;
    bool contains(int y, int x, int margin) const
    {
        return y >= top - margin && y <= bottom + margin && x >= left - margin && x <= right + margin;
    }
};

/// The bright block of a synthetic image (pixels above 200).
Box brightBox(const torch::Tensor& image)
{
    Box b;
    const auto a = image.accessor<std::uint8_t, 2>();
    for (int y = 0; y < 28; ++y)
        for (int x = 0; x < 28; ++x)
            if (a[y][x] > 200) {
                b.top = std::min(b.top, y);
                b.left = std::min(b.left, x);
                b.bottom = std::max(b.bottom, y);
                b.right = std::max(b.right, x);
            }
    return b;
}

} // namespace

class TestExplanations : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void gradCamIsAMapInTheUnitRange();
    void gradCamPeaksOnTheEvidence();
    void mlpGetsInputSaliency();
    void featureMapsOfANamedStage();

private:
    Dataset m_data = test::syntheticDataset(40, 3);
    Classifier m_cnn;
};

void TestExplanations::initTestCase()
{
    QTemporaryDir dir;
    TrainConfig c;
    c.model = "simple-cnn";
    c.batchSize = 32;
    c.numEpochs = 3;
    c.threads = 1;
    c.valFraction = 0.2;
    Trainer trainer(c, m_data, dir.path());
    const auto result = trainer.run();
    QVERIFY2(result.bestValAccuracy > 0.9, qPrintable(QString::number(result.bestValAccuracy)));
    m_cnn = trainer.model();
}

void TestExplanations::gradCamIsAMapInTheUnitRange()
{
    const auto e = explain(*m_cnn, m_data.test.images[0], m_data.mean, m_data.std, 3);
    QCOMPARE(e.method, std::string("grad-cam"));
    QCOMPARE(e.layer, m_cnn->camLayer());
    QCOMPARE(int(e.heat.size()), 28 * 28);
    QCOMPARE(*std::max_element(e.heat.begin(), e.heat.end()), 1.0f);
    QVERIFY(*std::min_element(e.heat.begin(), e.heat.end()) >= 0.0f);
    QVERIFY(m_cnn->is_training()); // the model's mode is restored
}

void TestExplanations::gradCamPeaksOnTheEvidence()
{
    int onEvidence = 0, checked = 0;
    for (std::int64_t i = 0; i < m_data.test.size(); ++i) {
        const auto image = m_data.test.images[i];
        const int label = int(m_data.test.labels[i].item<std::int64_t>());
        const auto e = explain(*m_cnn, image, m_data.mean, m_data.std, label);
        const auto peak = int(std::max_element(e.heat.begin(), e.heat.end()) - e.heat.begin());
        const auto box = brightBox(image);
        // Mean heat inside the block against the rest of the image.
        double inside = 0, outside = 0;
        int nIn = 0, nOut = 0;
        for (int p = 0; p < 784; ++p)
            (box.contains(p / 28, p % 28, 0) ? (++nIn, inside) : (++nOut, outside)) += e.heat[std::size_t(p)];
        ++checked;
        if (box.contains(peak / 28, peak % 28, 2) && inside / nIn > 2 * outside / nOut)
            ++onEvidence;
    }
    QVERIFY2(onEvidence >= checked * 8 / 10, qPrintable(QString("%1 of %2").arg(onEvidence).arg(checked)));
}

void TestExplanations::mlpGetsInputSaliency()
{
    auto mlp = buildModel("mlp");
    const auto e = explain(*mlp, m_data.test.images[0], m_data.mean, m_data.std, 0);
    QCOMPARE(e.method, std::string("saliency"));
    QCOMPARE(int(e.heat.size()), 784);
    QCOMPARE(*std::max_element(e.heat.begin(), e.heat.end()), 1.0f);
}

void TestExplanations::featureMapsOfANamedStage()
{
    QCOMPARE(stageNames(*m_cnn), (std::vector<std::string>{"conv1", "conv2", "fc1", "fc2"}));
    const auto maps = featureMaps(*m_cnn, m_data.test.images[0], m_data.mean, m_data.std, "conv1");
    QCOMPARE(maps.shape, (std::vector<std::int64_t>{32, 14, 14}));
    QCOMPARE(int(maps.values.size()), 32 * 14 * 14);
    try {
        featureMaps(*m_cnn, m_data.test.images[0], m_data.mean, m_data.std, "conv9");
        QFAIL("an unknown stage was accepted");
    } catch (const std::exception& e) {
        QVERIFY2(QString(e.what()).contains("conv9") && QString(e.what()).contains("conv2"), e.what());
    }
}

STUDIO_TEST_GUILESS_MAIN(TestExplanations)
#include "tst_explanations.moc"
