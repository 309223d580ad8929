// The embedding map's projections: PCA against hand-computed cases and an independent SVD, and
// Barnes-Hut t-SNE keeping well-separated clusters together (and matching exact repulsion).
#include "evaluation/Embedding.h"
#include "evaluation/Pca.h"
#include "evaluation/Tsne.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <torch/torch.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;

namespace {

/// `clusters` Gaussian blobs of `each` points in `dims` dimensions, centres 10 σ apart on the axes.
std::pair<torch::Tensor, torch::Tensor> blobs(int clusters, int each, int dims, std::uint64_t seed)
{
    const auto generator = at::detail::createCPUGenerator(seed);
    auto x = torch::randn({clusters * each, dims}, generator);
    auto labels = torch::arange(clusters).repeat_interleave(each);
    for (int c = 0; c < clusters; ++c)
        x.slice(0, c * each, (c + 1) * each).select(1, c % dims).add_(10.0 * (1 + c / dims));
    return {x, labels};
}

} // namespace

class TestEmbedding : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pcaOfPointsOnALine();
    void pcaAgreesWithSvdAndSeparatesTwoBlobs();
    void tsneKeepsClustersTogether();
    void tsneIsReproducibleAndCancels();
    void badInputIsRefused();
    void newPointsArePlacedOnTheMap();
    void aStoredLayoutIsReadBackOrRefused();
};

void TestEmbedding::pcaOfPointsOnALine()
{
    // Points on y = 2x: one component along (1, 2)/√5 with all the variance.
    const auto t = torch::tensor({-2.0f, -1.0f, 0.0f, 1.0f, 2.0f});
    const auto x = torch::stack({t, 2 * t}, 1);
    const auto pca = fitPca(x, 2);
    QVERIFY(std::abs(pca.components[0][0].item<float>() - 1 / std::sqrt(5.0f)) < 1e-5);
    QVERIFY(std::abs(pca.components[0][1].item<float>() - 2 / std::sqrt(5.0f)) < 1e-5);
    // variance along it: Σ (√5 t)² / (N − 1) = 5 · 10 / 4
    QVERIFY(std::abs(pca.variance[0].item<float>() - 12.5f) < 1e-4);
    QVERIFY(std::abs(pca.explainedRatio()[0].item<float>() - 1.0f) < 1e-6);
    QVERIFY(std::abs(pca.variance[1].item<float>()) < 1e-6);
    // The projection of (1, 2) is its distance along the line from the mean: √5.
    QVERIFY(std::abs(pca.project(torch::tensor({{1.0f, 2.0f}}))[0][0].item<float>() - std::sqrt(5.0f)) < 1e-5);
}

void TestEmbedding::pcaAgreesWithSvdAndSeparatesTwoBlobs()
{
    auto [x, labels] = blobs(2, 100, 8, 3);
    const auto pca = fitPca(x, 3);
    // The independent definition: right singular vectors of the centred data, σ² / (N − 1).
    const auto centred = (x - x.mean(0)).to(torch::kDouble);
    const auto [u, s, vh] = torch::linalg::svd(centred, false, c10::nullopt);
    for (int c = 0; c < 3; ++c) {
        const double agreement = std::abs(vh[c].to(torch::kFloat).dot(pca.components[c]).item<float>());
        QVERIFY2(agreement > 0.9999, qPrintable(QString("component %1: |cos| %2").arg(c).arg(agreement)));
        const double variance = s[c].item<double>() * s[c].item<double>() / (x.size(0) - 1);
        QVERIFY(std::abs(pca.variance[c].item<double>() - variance) < 1e-3 * variance);
    }
    // The blobs differ along the first component only: every point of one lies on one side.
    const auto first = pca.project(x).select(1, 0);
    const auto a = first.slice(0, 0, 100), b = first.slice(0, 100, 200);
    QVERIFY(a.max().item<float>() < b.min().item<float>() || b.max().item<float>() < a.min().item<float>());
}

void TestEmbedding::tsneKeepsClustersTogether()
{
    auto [x, labels] = blobs(5, 120, 20, 7);
    TsneOptions options;
    options.iterations = 500;
    const auto layout = tsne(x, options);
    QCOMPARE(layout.sizes(), (std::vector<std::int64_t>{600, 2}));
    QVERIFY(torch::isfinite(layout).all().item<bool>());
    const double purity = neighbourhoodPurity(layout, labels, 10);
    QVERIFY2(purity >= 0.95, qPrintable(QString("10-NN purity %1").arg(purity)));
    // A random layout keeps about one neighbour in five: the purity measure itself discriminates.
    QVERIFY(neighbourhoodPurity(torch::randn({600, 2}), labels, 10) < 0.5);
    // Barnes-Hut at θ = 0.5 lands close to the exact repulsion (θ = 0) on the same start.
    options.iterations = 300;
    options.theta = 0;
    const double exact = neighbourhoodPurity(tsne(x, options), labels, 10);
    QVERIFY2(exact >= 0.95, qPrintable(QString("exact 10-NN purity %1").arg(exact)));
}

void TestEmbedding::tsneIsReproducibleAndCancels()
{
    auto [x, labels] = blobs(3, 40, 6, 11);
    TsneOptions options;
    options.iterations = 100;
    QVERIFY(torch::equal(tsne(x, options), tsne(x, options)));
    int calls = 0;
    const auto cancelled = tsne(x, options, [&](int step, int total) {
        ++calls;
        return step < total / 2;
    });
    QVERIFY(!cancelled.defined());
    QCOMPARE(calls, 6); // steps 0, 10, …, 50: the last one cancels
}

void TestEmbedding::badInputIsRefused()
{
    QVERIFY_THROWS_EXCEPTION(StudioError, fitPca(torch::zeros({1, 3}), 1));
    QVERIFY_THROWS_EXCEPTION(StudioError, fitPca(torch::zeros({5, 3}), 4));
    QVERIFY_THROWS_EXCEPTION(StudioError, tsne(torch::zeros({3, 2})));
    TsneOptions bad;
    bad.perplexity = 0;
    QVERIFY_THROWS_EXCEPTION(StudioError, tsne(torch::randn({20, 2}), bad));
    // Every point in one place: a finite (collapsed) layout, not a hang or NaN.
    TsneOptions few;
    few.iterations = 50;
    QVERIFY(torch::isfinite(tsne(torch::zeros({30, 4}), few)).all().item<bool>());
}

void TestEmbedding::newPointsArePlacedOnTheMap()
{
    auto [x, labels] = blobs(4, 60, 10, 5);
    auto map = pcaMap(x);
    // On a PCA map a new vector goes through the same projection: a mapped one lands on itself.
    QVERIFY(torch::allclose(map.place(x.slice(0, 7, 9)), map.layout.slice(0, 7, 9), 1e-4, 1e-4));
    QVERIFY(torch::allclose(map.place(x[3]), map.pca.project(x[3].unsqueeze(0)), 1e-5, 1e-5));
    // On a t-SNE map (no projection) by its nearest mapped neighbours.
    TsneOptions options;
    options.iterations = 300;
    map.layout = tsne(x, options);
    map.tsne = true;
    QVERIFY(torch::allclose(map.place(x[42]), map.layout[42].unsqueeze(0), 1e-5, 1e-5));
    // A fresh point of cluster 2 lands among cluster 2's points: its nearest map point is one of them.
    const auto generator = at::detail::createCPUGenerator(99);
    auto fresh = torch::randn({1, 10}, generator);
    fresh[0][2] += 10.0;
    const auto at = map.place(fresh);
    const auto nearest = (map.layout - at).pow(2).sum(1).argmin().item<std::int64_t>();
    QCOMPARE(labels[nearest].item<std::int64_t>(), 2);
    // …and inside the span of cluster 2's layout.
    const auto own = map.layout.slice(0, 120, 180);
    for (int d = 0; d < 2; ++d) {
        QVERIFY(at[0][d].item<float>() >= own.select(1, d).min().item<float>());
        QVERIFY(at[0][d].item<float>() <= own.select(1, d).max().item<float>());
    }
}

void TestEmbedding::aStoredLayoutIsReadBackOrRefused()
{
    QTemporaryDir dir;
    const QString path = dir.filePath("map.layout");
    QVERIFY(!loadLayout(path, 5).defined()); // missing
    const auto layout = torch::randn({5, 2});
    saveLayout(path, layout);
    QVERIFY(torch::equal(loadLayout(path, 5), layout));
    QVERIFY(!loadLayout(path, 6).defined()); // another point count
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    const QByteArray whole = file.readAll();
    QVERIFY(file.resize(whole.size() - 4)); // truncated
    file.close();
    QVERIFY(!loadLayout(path, 5).defined());
    auto withNan = layout.clone();
    withNan[2][1] = std::numeric_limits<float>::quiet_NaN();
    saveLayout(path, withNan);
    QVERIFY(!loadLayout(path, 5).defined());
    QVERIFY_THROWS_EXCEPTION(StudioError, saveLayout(dir.filePath("no/such/folder/map.layout"), layout));
}

STUDIO_TEST_GUILESS_MAIN(TestEmbedding)
#include "tst_embedding.moc"
