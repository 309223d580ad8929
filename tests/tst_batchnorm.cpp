#include "models/BatchNorm.h"
#include "models/Layers.h"
#include "models/Winograd.h"
#include "support/TensorCompare.h"
#include "support/TestMain.h"

#include <ATen/Parallel.h>

#include <QTest>

using namespace studio;
using test::relative;

namespace {

struct Result {
    torch::Tensor y, dx, dw, db, dr, mean, var, batches;
};

/// max(0, bn(x) + r) (as asked) and the gradients of Σ y·dy, by the studio's kernel or LibTorch's
/// batch_norm + add + relu (in the tensors' precision), starting from the same running statistics.
Result run(bool ours, const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, const torch::Tensor& r,
           bool relu, const torch::Tensor& dy)
{
    const auto xv = x.detach().requires_grad_(), wv = w.detach().requires_grad_(), bv = b.detach().requires_grad_();
    const auto rv = r.defined() ? r.detach().requires_grad_() : r;
    Result out;
    out.mean = torch::full({x.size(1)}, 0.5, x.options());
    out.var = torch::full({x.size(1)}, 2.0, x.options());
    out.batches = torch::zeros({}, torch::kLong);
    torch::Tensor y;
    if (ours) {
        y = batchnorm::train(xv, wv, bv, {out.mean, out.var, out.batches, 0.1, 1e-5}, rv, relu);
    } else {
        y = torch::batch_norm(xv, wv, bv, out.mean, out.var, true, 0.1, 1e-5, false);
        out.batches += 1;
        if (rv.defined())
            y = y + rv;
        if (relu)
            y = torch::relu(y);
    }
    y.backward(dy);
    out.y = y.detach();
    out.dx = xv.grad();
    out.dw = wv.grad();
    out.db = bv.grad();
    out.dr = rv.defined() ? rv.grad() : torch::Tensor();
    return out;
}

} // namespace

// The training step's batch norm (models/BatchNorm.h) against LibTorch's batch_norm, addition
// and ReLU: outputs, all gradients, running statistics.
class TestBatchNorm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { winograd::resetEnabled(); }
    void matchesLibTorch_data();
    void matchesLibTorch();
    void sameBitsOnOneThreadAndTwo();
    void layerTakesItWhileTrainingOnly();
    void chainRunsBatchNormAndReluAsOnePass();
};

void TestBatchNorm::matchesLibTorch_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("c");
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("residual");
    QTest::addColumn<bool>("relu");
    QTest::addColumn<double>("offset");
    // resnet's three maps, channels no multiple of 8, more rows than a chunk and fewer, a map far
    // from zero (the moments are taken about each channel's first value: there LibTorch's float
    // batch norm is ~10× further from the double result). The reference: LibTorch in double.
    QTest::newRow("resnet block end 28x28") << 16 << 32 << 28 << true << true << 0.0;
    QTest::newRow("resnet bn1 14x14") << 8 << 64 << 14 << false << false << 0.0;
    QTest::newRow("resnet 7x7, residual, no relu") << 8 << 128 << 7 << true << false << 0.0;
    QTest::newRow("relu only, 5 channels, 3x3") << 3 << 5 << 3 << false << true << 0.0;
    QTest::newRow("three values a channel") << 3 << 24 << 1 << true << true << 0.0;
    QTest::newRow("mean 1000, sd 1") << 4 << 16 << 9 << false << false << 1000.0;
}

void TestBatchNorm::matchesLibTorch()
{
    QFETCH(int, n);
    QFETCH(int, c);
    QFETCH(int, size);
    QFETCH(bool, residual);
    QFETCH(bool, relu);
    QFETCH(double, offset);
    at::set_num_threads(2);
    torch::manual_seed(5);
    const auto cl = at::MemoryFormat::ChannelsLast;
    const auto x = (torch::randn({n, c, size, size}) * 3 + offset).contiguous(cl);
    const auto w = torch::rand({c}) + 0.5, b = torch::randn({c});
    const auto r = residual ? torch::randn({n, c, size, size}).contiguous(cl) : torch::Tensor();
    const auto dy = torch::randn({n, c, size, size}).contiguous(cl);
    QVERIFY(batchnorm::supports(x));
    const auto f64 = [](const torch::Tensor& t) { return t.defined() ? t.to(torch::kDouble) : t; };
    const auto got = run(true, x, w, b, r, relu, dy), want = run(false, f64(x), f64(w), f64(b), f64(r), relu, f64(dy));
    QVERIFY(got.y.is_contiguous(cl));
    QVERIFY2(relative(got.y, want.y) < 1e-5, std::to_string(relative(got.y, want.y)).c_str());
    QVERIFY2(relative(got.dx, want.dx) < 1e-4, std::to_string(relative(got.dx, want.dx)).c_str());
    QVERIFY2(relative(got.dw, want.dw) < 1e-4, std::to_string(relative(got.dw, want.dw)).c_str());
    QVERIFY2(relative(got.db, want.db) < 1e-5, std::to_string(relative(got.db, want.db)).c_str());
    if (residual)
        QVERIFY(torch::equal(got.dr, want.dr.to(torch::kFloat)));
    QVERIFY2(relative(got.mean, want.mean) < 1e-6, std::to_string(relative(got.mean, want.mean)).c_str());
    QVERIFY2(relative(got.var, want.var) < 1e-5, std::to_string(relative(got.var, want.var)).c_str());
    QCOMPARE(got.batches.item<int64_t>(), 1);
    if (relu)
        QVERIFY((got.y == 0).sum().item<int64_t>() > 0);
}

void TestBatchNorm::sameBitsOnOneThreadAndTwo()
{
    // Sums by fixed chunks of rows, then in order: a training run's bits do not depend on the
    // thread count (nor on the run).
    torch::manual_seed(6);
    const auto cl = at::MemoryFormat::ChannelsLast;
    const auto x = torch::randn({32, 32, 14, 14}).contiguous(cl), r = torch::randn({32, 32, 14, 14}).contiguous(cl);
    const auto dy = torch::randn({32, 32, 14, 14}).contiguous(cl);
    const auto w = torch::rand({32}), b = torch::randn({32});
    at::set_num_threads(1);
    const auto one = run(true, x, w, b, r, true, dy);
    at::set_num_threads(2);
    for (int i = 0; i < 2; ++i) {
        const auto two = run(true, x, w, b, r, true, dy);
        QVERIFY(torch::equal(one.y, two.y));
        QVERIFY(torch::equal(one.dx, two.dx));
        QVERIFY(torch::equal(one.dw, two.dw));
        QVERIFY(torch::equal(one.var, two.var));
    }
}

void TestBatchNorm::layerTakesItWhileTrainingOnly()
{
    // The layer: in training the kernel's result (the same as LibTorch's ops, which it gives with
    // the kernels switched off); NCHW maps and evaluation LibTorch's; a folded batch norm passes
    // its input (+ residual, ReLU) through.
    at::set_num_threads(2);
    torch::manual_seed(7);
    const auto cl = at::MemoryFormat::ChannelsLast;
    const auto x = torch::randn({4, 16, 6, 6}).contiguous(cl), r = torch::randn({4, 16, 6, 6}).contiguous(cl);
    layers::BatchNorm2d bn(16);
    torch::Tensor fused, plain;
    {
        fused = bn->forwardAddRelu(x, r);
        winograd::setEnabled(false);
        plain = bn->forwardAddRelu(x, r);
        winograd::resetEnabled();
    }
    QVERIFY(relative(fused, plain) < 1e-5);
    QCOMPARE(bn->num_batches_tracked.item<int64_t>(), 2);
    QVERIFY(relative(bn->forward(x.contiguous()),
                     torch::batch_norm(x, bn->weight, bn->bias, {}, {}, true, 0.1, 1e-5, false)) < 1e-5);
    bn->eval();
    const auto evaluated = bn->forwardAddRelu(x, r);
    QVERIFY(relative(evaluated, torch::relu(torch::batch_norm(x, bn->weight, bn->bias, bn->running_mean,
                                                              bn->running_var, false, 0.1, 1e-5, false) +
                                            r)) < 1e-6);
    bn->folded = true;
    QVERIFY(torch::equal(bn->forwardAddRelu(x, r), torch::relu(x + r)));
    QVERIFY(torch::equal(bn->forward(x), x));
}

void TestBatchNorm::chainRunsBatchNormAndReluAsOnePass()
{
    // conv → BN → ReLU → BN (resnet's stem, deeper-cnn's blocks): layers::forwardChain gives what
    // the Sequential gives, gradients included, with the ReLU inside the first batch norm's pass
    // (what the last BN's input comes from is that batch norm, not a ReLU).
    at::set_num_threads(2);
    torch::manual_seed(8);
    torch::nn::Sequential chain(layers::conv(1, 16, 3, 1, false), layers::BatchNorm2d(16), torch::nn::ReLU(),
                                layers::BatchNorm2d(16));
    const auto x = torch::randn({3, 1, 9, 9}).contiguous(at::MemoryFormat::ChannelsLast);
    const auto dy = torch::randn({3, 16, 9, 9});
    const auto gradients = [&](const torch::Tensor& y) {
        chain->zero_grad();
        y.backward(dy);
        std::vector<torch::Tensor> g;
        for (const auto& p : chain->parameters())
            g.push_back(p.grad().clone());
        return g;
    };
    const auto plain = chain->forward(x);
    const auto plainGrads = gradients(plain);
    const auto chained = layers::forwardChain(*chain, x);
    const auto before = [](const torch::Tensor& y) { return y.grad_fn()->next_edges()[0].function->name(); };
    QVERIFY2(before(plain).find("Relu") != std::string::npos, before(plain).c_str());
    QVERIFY2(before(chained).find("batchnorm") != std::string::npos, before(chained).c_str());
    const auto chainedGrads = gradients(chained);
    QVERIFY(relative(chained, plain) < 1e-5);
    QCOMPARE(chainedGrads.size(), plainGrads.size());
    for (std::size_t i = 0; i < plainGrads.size(); ++i)
        QVERIFY2(relative(chainedGrads[i], plainGrads[i]) < 1e-4, std::to_string(i).c_str());
    chain->eval();
    QVERIFY(torch::equal(layers::forwardChain(*chain, x), chain->forward(x)));
}

STUDIO_TEST_GUILESS_MAIN(TestBatchNorm)
#include "tst_batchnorm.moc"
