#include "data/Augmentation.h"
#include "data/BatchStream.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QTest>

using namespace studio;

class TestAugmentation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void identityConfigLeavesImagesUnchanged();
    void sameSeedSameResultOtherSeedDiffers();
    void geometryKeepsShapeRangeAndMostInk();
    void erasingHitsTheConfiguredShareWithinAreaBounds();
    void streamCoversEveryImageOncePerEpoch();
    void streamResumedMidEpochMatchesTheFullStream();
};

namespace {
AugmentConfig identity()
{
    AugmentConfig c;
    c.enabled = true;
    c.rotationDeg = 0;
    c.translate = 0;
    c.scaleMin = c.scaleMax = 1.0;
    c.shearDeg = 0;
    c.eraseProbability = 0;
    return c;
}
torch::Tensor batch()
{
    return test::syntheticDataset(2, 1).train.images.unsqueeze(1).to(torch::kFloat32).div(255);
}
} // namespace

void TestAugmentation::identityConfigLeavesImagesUnchanged()
{
    const auto x = batch();
    const auto y = augmentGeometry(x, identity(), 3);
    QVERIFY(torch::allclose(x, y, 1e-5, 1e-5));
}

void TestAugmentation::sameSeedSameResultOtherSeedDiffers()
{
    const auto x = batch();
    AugmentConfig c;
    c.enabled = true;
    QVERIFY(torch::equal(augmentGeometry(x, c, 11), augmentGeometry(x, c, 11)));
    QVERIFY(!torch::equal(augmentGeometry(x, c, 11), augmentGeometry(x, c, 12)));
}

void TestAugmentation::geometryKeepsShapeRangeAndMostInk()
{
    const auto x = batch();
    AugmentConfig c; // seed 000 defaults
    c.enabled = true;
    const auto y = augmentGeometry(x, c, 5);
    QCOMPARE(y.sizes(), x.sizes());
    QVERIFY(y.min().item<float>() >= 0.0f);
    QVERIFY(y.max().item<float>() <= 1.0f + 1e-5f);
    // Scale 0.9–1.1 changes ink area by at most ~21 %, shifts of 10 % keep the blocks inside.
    const auto ratio = (y.sum({1, 2, 3}) / x.sum({1, 2, 3}));
    QVERIFY2(ratio.min().item<float>() > 0.7f && ratio.max().item<float>() < 1.3f, "ink mostly preserved");
    QVERIFY(!torch::allclose(x, y)); // and something did move
}

void TestAugmentation::erasingHitsTheConfiguredShareWithinAreaBounds()
{
    AugmentConfig c;
    c.eraseProbability = 0.5;
    auto x = torch::ones({400, 1, 28, 28});
    randomErase(x, c, 9);
    const auto erased = (x == 0).sum({1, 2, 3}).to(torch::kFloat64);
    const auto hit = (erased > 0).sum().item<double>();
    QVERIFY2(hit > 150 && hit < 250, qPrintable(QString::number(hit)));
    const auto areas = erased.masked_select(erased > 0) / 784.0;
    // Rounding h and w to whole pixels widens the 0.02–0.1 band slightly.
    QVERIFY(areas.min().item<double>() >= 0.012);
    QVERIFY(areas.max().item<double>() <= 0.13);
    c.eraseProbability = 0;
    auto y = torch::ones({50, 1, 28, 28});
    randomErase(y, c, 9);
    QCOMPARE(y.min().item<float>(), 1.0f);
}

void TestAugmentation::streamCoversEveryImageOncePerEpoch()
{
    auto data = test::syntheticDataset(10, 1).train; // 100 images
    data.labels = torch::arange(100, torch::kInt64); // labels double as ids
    BatchPlan plan;
    plan.batchSize = 32;
    BatchStream stream(data, plan);
    QCOMPARE(stream.batchCount(), 4);
    std::vector<torch::Tensor> seen;
    while (auto b = stream.next())
        seen.push_back(b->labels);
    QCOMPARE(seen.size(), std::size_t(4));
    QCOMPARE(seen.back().size(0), 4);
    const auto all = std::get<0>(torch::cat(seen).sort());
    QVERIFY(torch::equal(all, torch::arange(100, torch::kInt64)));
    QVERIFY(!torch::equal(torch::cat(seen), torch::arange(100, torch::kInt64))); // shuffled
}

void TestAugmentation::streamResumedMidEpochMatchesTheFullStream()
{
    const auto data = test::syntheticDataset(10, 1).train;
    BatchPlan plan;
    plan.batchSize = 16;
    plan.epoch = 3;
    plan.augment.enabled = true;
    plan.augment.eraseProbability = 0.5;
    std::vector<Batch> full;
    {
        BatchStream s(data, plan);
        while (auto b = s.next())
            full.push_back(*b);
    }
    plan.firstBatch = 4;
    BatchStream resumed(data, plan);
    for (std::size_t i = 4; i < full.size(); ++i) {
        auto b = resumed.next();
        QVERIFY(b.has_value());
        QCOMPARE(b->index, std::int64_t(i));
        QVERIFY(torch::equal(b->images, full[i].images));
        QVERIFY(torch::equal(b->labels, full[i].labels));
    }
    QVERIFY(!resumed.next().has_value());
}

STUDIO_TEST_GUILESS_MAIN(TestAugmentation)
#include "tst_augmentation.moc"
