// The embedding map's projections: PCA against hand-computed cases and an independent SVD, and
// Barnes-Hut t-SNE keeping well-separated clusters together (and matching exact repulsion).
#include "evaluation/Pca.h"
#include "evaluation/Tsne.h"
#include "util/StudioError.h"

#include <torch/torch.h>

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

QTEST_GUILESS_MAIN(TestEmbedding)
#include "tst_embedding.moc"
