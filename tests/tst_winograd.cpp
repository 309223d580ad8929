#include "models/Layers.h"
#include "models/MicroKernel.h"
#include "models/PatchConv.h"
#include "models/Winograd.h"
#include "support/TensorCompare.h"
#include "support/TestMain.h"
#include "training/MixedPrecision.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <QTest>

#include <array>
#include <cstdlib>
#include <string_view>

using namespace studio;
using test::relative;

namespace {

struct Pass {
    torch::Tensor y, dx, dw, db;
};

/// y = conv(x, w, b) and the gradients of Σ y·dy, by the given convolution.
template <class Conv>
Pass run(Conv conv, const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, const torch::Tensor& dy)
{
    const auto xv = x.detach().requires_grad_(), wv = w.detach().requires_grad_();
    const auto bv = b.defined() ? b.detach().requires_grad_() : b;
    const auto y = conv(xv, wv, bv);
    y.backward(dy);
    return {y.detach(), xv.grad(), wv.grad(), bv.defined() ? bv.grad() : torch::Tensor()};
}

Pass direct(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, const torch::Tensor& dy,
            int64_t stride = 1)
{
    return run([=](auto x, auto w, auto b) { return torch::conv2d(x, w, b, stride, w.size(2) / 2); }, x, w, b, dy);
}

Pass winogradPass(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, const torch::Tensor& dy)
{
    return run(
        [](auto x, auto w, auto b) {
            return winograd::conv3x3(x, w, b.defined() ? c10::optional<torch::Tensor>(b) : c10::nullopt);
        },
        x, w, b, dy);
}

Pass patchPass(const torch::Tensor& x, const torch::Tensor& w, const torch::Tensor& b, const torch::Tensor& dy,
               int64_t stride)
{
    return run(
        [=](auto x, auto w, auto b) {
            return patchconv::conv(x, w, b.defined() ? c10::optional<torch::Tensor>(b) : c10::nullopt, stride);
        },
        x, w, b, dy);
}

} // namespace

// The studio's own convolutions: Winograd's for 3×3 stride-1 layers of 16k channels, patch
// products for first layers, stride 2 and 1×1 (models/PatchConv.h).
class TestWinograd : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void cleanupTestCase() { winograd::resetEnabled(); }
    void init();
    void passesMatchTheDirectConvolution_data();
    void passesMatchTheDirectConvolution();
    void weightGradientIsReproducible();
    void reluInputMatchesAReluThenTheConvolution();
    void layerTakesItForEligibleConvolutionsOnly_data();
    void layerTakesItForEligibleConvolutionsOnly();
    void suspendedLayersUseTheDirectConvolution();
    void byDefaultFloatConvolutionsTakeTheKernels();
    void packedLayerKeepsTransformedWeightsUntilTheyChange();
    void kernelWidthFollowsTheCpuAndTheSwitch();
};

void TestWinograd::init()
{
    if (!winograd::available())
        QSKIP("this CPU has no AVX2 + FMA: the direct convolution is used everywhere");
    winograd::setEnabled(true); // whatever this CPU's default (off with AVX-512)
}

void TestWinograd::passesMatchTheDirectConvolution_data()
{
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("c");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("h");
    QTest::addColumn<int>("w");
    QTest::addColumn<bool>("bias");
    QTest::addColumn<bool>("channelsLast");
    QTest::addColumn<int>("threads");
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("stride");
    // Winograd: resnet's shapes, odd sizes (a last tile half outside), fewer tiles than a block and
    // more, rows of tiles that are not multiples of the micro-kernel's 6, NCHW inputs, one thread
    // and two. Patch products: resnet's stem, 3 channels with bias on an odd map, more threads
    // than images; resnet's stride-2 convolutions and 1×1 shortcuts (7×7 outputs: a few images
    // per weight-gradient product, a last group cut short), odd maps at stride 2, a 1×1 stride 1.
    QTest::newRow("resnet layer1") << 2 << 32 << 32 << 28 << 28 << false << true << 2 << 3 << 1;
    QTest::newRow("resnet layer3, 7x7") << 3 << 128 << 128 << 7 << 7 << false << true << 2 << 3 << 1;
    QTest::newRow("16 to 48, bias, 5x3") << 2 << 16 << 48 << 5 << 3 << true << true << 1 << 3 << 1;
    QTest::newRow("64 to 16, 1x1 map") << 5 << 64 << 16 << 1 << 1 << true << false << 2 << 3 << 1;
    QTest::newRow("32 to 32, 9x2, NCHW") << 7 << 32 << 32 << 9 << 2 << false << false << 2 << 3 << 1;
    QTest::newRow("one image 14x14, one thread") << 1 << 64 << 64 << 14 << 14 << true << true << 1 << 3 << 1;
    QTest::newRow("patch: resnet stem") << 4 << 1 << 32 << 28 << 28 << false << false << 2 << 3 << 1;
    QTest::newRow("patch: 3 to 48, bias, 5x7") << 3 << 3 << 48 << 5 << 7 << true << true << 1 << 3 << 1;
    QTest::newRow("patch: 4 to 16, one image, 1x2") << 1 << 4 << 16 << 1 << 2 << true << false << 2 << 3 << 1;
    QTest::newRow("patch: resnet layer2 stride 2") << 2 << 32 << 64 << 28 << 28 << false << true << 2 << 3 << 2;
    QTest::newRow("patch: resnet layer3 stride 2") << 3 << 64 << 128 << 14 << 14 << false << true << 2 << 3 << 2;
    QTest::newRow("patch: 1x1 shortcut stride 2") << 5 << 64 << 128 << 14 << 14 << false << true << 2 << 1 << 2;
    QTest::newRow("patch: 16 to 32 stride 2, bias, 9x7, NCHW")
        << 2 << 16 << 32 << 9 << 7 << true << false << 1 << 3 << 2;
    QTest::newRow("patch: 1x1 stride 2, 5x5") << 3 << 32 << 16 << 5 << 5 << true << true << 2 << 1 << 2;
    QTest::newRow("patch: 1x1 stride 1") << 2 << 48 << 32 << 6 << 5 << true << true << 2 << 1 << 1;
    QTest::newRow("patch: one channel stride 2, 7x7") << 2 << 1 << 16 << 7 << 7 << true << true << 2 << 3 << 2;
}

void TestWinograd::passesMatchTheDirectConvolution()
{
    QFETCH(int, n);
    QFETCH(int, c);
    QFETCH(int, k);
    QFETCH(int, h);
    QFETCH(int, w);
    QFETCH(bool, bias);
    QFETCH(bool, channelsLast);
    QFETCH(int, threads);
    QFETCH(int, kernel);
    QFETCH(int, stride);
    at::set_num_threads(threads);
    torch::manual_seed(3);
    const auto format = channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous;
    const auto x = torch::randn({n, c, h, w}).contiguous(format);
    const auto weight = torch::randn({k, c, kernel, kernel}) * 0.1;
    const auto b = bias ? torch::randn({k}) : torch::Tensor();
    const auto dy = torch::randn({n, k, (h - 1) / stride + 1, (w - 1) / stride + 1});
    const bool patch = c <= 4 || kernel != 3 || stride != 1;
    QVERIFY(patch ? patchconv::supports(x, weight, stride) : winograd::supports(x, weight));
    const auto expected = direct(x, weight, b, dy, stride);
    const auto got = patch ? patchPass(x, weight, b, dy, stride) : winogradPass(x, weight, b, dy);
    QCOMPARE(got.y.sizes(), expected.y.sizes());
    QVERIFY(got.y.is_contiguous(at::MemoryFormat::ChannelsLast));
    QVERIFY2(relative(got.y, expected.y) < 2e-5, std::to_string(relative(got.y, expected.y)).c_str());
    QVERIFY2(relative(got.dx, expected.dx) < 2e-5, std::to_string(relative(got.dx, expected.dx)).c_str());
    QVERIFY2(relative(got.dw, expected.dw) < 1e-4, std::to_string(relative(got.dw, expected.dw)).c_str());
    QCOMPARE(got.dw.sizes(), weight.sizes());
    if (bias)
        QVERIFY(torch::allclose(got.db, expected.db, 1e-4, 1e-4));
}

void TestWinograd::weightGradientIsReproducible()
{
    // The weight gradient is summed per thread and then in a fixed order: the same bits every time.
    at::set_num_threads(2);
    torch::manual_seed(4);
    const auto x = torch::randn({16, 32, 14, 14}).contiguous(at::MemoryFormat::ChannelsLast);
    const auto dy = torch::randn({16, 64, 14, 14}).contiguous(at::MemoryFormat::ChannelsLast);
    const auto first = winograd::backwardWeight(dy, x);
    for (int i = 0; i < 3; ++i)
        QVERIFY(torch::equal(winograd::backwardWeight(dy, x), first));
    const auto image = torch::randn({16, 1, 14, 14}), patchFirst = patchconv::backwardWeight(dy, image);
    const auto map = torch::randn({16, 64, 7, 7}), stridedFirst = patchconv::backwardWeight(map, x, 3, 2);
    for (int i = 0; i < 3; ++i) {
        QVERIFY(torch::equal(patchconv::backwardWeight(dy, image), patchFirst));
        QVERIFY(torch::equal(patchconv::backwardWeight(map, x, 3, 2), stridedFirst));
    }
    // An empty batch: no tiles, a zero weight gradient and empty maps, not a crash.
    const auto none = torch::empty({0, 32, 14, 14}).contiguous(at::MemoryFormat::ChannelsLast);
    const auto w = torch::randn({64, 32, 3, 3});
    QVERIFY(torch::equal(winograd::backwardWeight(torch::empty({0, 64, 14, 14}), none), torch::zeros({64, 32, 3, 3})));
    QCOMPARE(winograd::forward(none, w).sizes(), (std::vector<int64_t>{0, 64, 14, 14}));
}

void TestWinograd::reluInputMatchesAReluThenTheConvolution()
{
    // conv(relu(x)) with the ReLU inside the convolution: outputs and all three gradients (x's
    // through the ReLU: zero where x ≤ 0) as LibTorch's relu + conv2d give them; the layer's
    // forwardRelu the same whichever convolution runs.
    at::set_num_threads(2);
    torch::manual_seed(8);
    for (const auto& [n, c, k, size] : {std::array<int64_t, 4>{3, 32, 32, 14}, {2, 64, 16, 5}}) {
        const auto x = torch::randn({n, c, size, size}).contiguous(at::MemoryFormat::ChannelsLast);
        const auto weight = torch::randn({k, c, 3, 3}) * 0.1, b = torch::randn({k});
        const auto dy = torch::randn({n, k, size, size});
        const auto expected =
            run([](auto x, auto w, auto b) { return torch::conv2d(torch::relu(x), w, b, 1, 1); }, x, weight, b, dy);
        const auto got = run([](auto x, auto w, auto b) { return winograd::conv3x3(x, w, b, true); }, x, weight, b, dy);
        QVERIFY2(relative(got.y, expected.y) < 2e-5, std::to_string(relative(got.y, expected.y)).c_str());
        QVERIFY2(relative(got.dx, expected.dx) < 2e-5, std::to_string(relative(got.dx, expected.dx)).c_str());
        QVERIFY2(relative(got.dw, expected.dw) < 1e-4, std::to_string(relative(got.dw, expected.dw)).c_str());
        QVERIFY(torch::allclose(got.db, expected.db, 1e-4, 1e-4));
        QVERIFY(torch::equal(got.dx.masked_select(x <= 0), torch::zeros({(x <= 0).sum().item<int64_t>()})));
        QVERIFY((x <= 0).sum().item<int64_t>() > 0);
        torch::NoGradGuard noGrad;
        QVERIFY(torch::equal(winograd::forward(x, weight, b, {}, true), winograd::forward(torch::relu(x), weight, b)));
    }
    torch::manual_seed(10);
    for (const int channels : {32, 8}) { // Winograd's and LibTorch's convolution
        auto layer = layers::conv(channels, 16, 3, 1, true);
        const auto x = torch::randn({2, channels, 6, 6}).contiguous(at::MemoryFormat::ChannelsLast);
        QVERIFY(torch::allclose(layer->forwardRelu(x), layer->forward(torch::relu(x)), 1e-5, 1e-6));
    }
}

void TestWinograd::layerTakesItForEligibleConvolutionsOnly_data()
{
    QTest::addColumn<int>("in");
    QTest::addColumn<int>("out");
    QTest::addColumn<int>("kernel");
    QTest::addColumn<int>("padding");
    QTest::addColumn<int>("stride");
    QTest::addColumn<QString>("node"); // the studio's autograd function that runs it, or none
    QTest::newRow("3x3, 32 to 32") << 32 << 32 << 3 << 1 << 1 << "Conv3x3Function";
    QTest::newRow("3x3, 64 to 128") << 64 << 128 << 3 << 1 << 1 << "Conv3x3Function";
    QTest::newRow("stride 2") << 32 << 64 << 3 << 1 << 2 << "PatchConvFunction";
    QTest::newRow("one input channel (stems)") << 1 << 32 << 3 << 1 << 1 << "PatchConvFunction";
    QTest::newRow("one input channel, 8 kernels") << 1 << 8 << 3 << 1 << 1 << "";
    QTest::newRow("one input channel, stride 2") << 1 << 32 << 3 << 1 << 2 << "PatchConvFunction";
    QTest::newRow("stride 3") << 32 << 64 << 3 << 1 << 3 << "";
    QTest::newRow("8 channels") << 8 << 16 << 3 << 1 << 1 << "";
    QTest::newRow("no padding") << 32 << 32 << 3 << 0 << 1 << "";
    QTest::newRow("5x5") << 32 << 32 << 5 << 2 << 1 << "";
    QTest::newRow("1x1 shortcut") << 32 << 64 << 1 << 0 << 2 << "PatchConvFunction";
    QTest::newRow("1x1 with padding 1") << 32 << 64 << 1 << 1 << 1 << "";
}

void TestWinograd::layerTakesItForEligibleConvolutionsOnly()
{
    QFETCH(int, in);
    QFETCH(int, out);
    QFETCH(int, kernel);
    QFETCH(int, padding);
    QFETCH(int, stride);
    QFETCH(QString, node);
    torch::manual_seed(6);
    auto layer = layers::conv(in, out, kernel, padding, true, stride);
    const auto x = torch::randn({3, in, 12, 12}).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_();
    const auto y = layer->forward(x);
    const auto expected = torch::conv2d(x, layer->weight, layer->bias, stride, padding);
    QCOMPARE(y.sizes(), expected.sizes());
    QVERIFY2(relative(y, expected) < 2e-5, std::to_string(relative(y, expected)).c_str());
    const auto name = y.grad_fn()->name();
    for (const char* own : {"Conv3x3Function", "PatchConvFunction"})
        QCOMPARE(name.find(own) != std::string::npos, node == own);
    y.sum().backward(); // the gradients arrive whichever convolution ran
    QCOMPARE(layer->weight.grad().sizes(), layer->weight.sizes());
    QCOMPARE(x.grad().sizes(), x.sizes());
}

void TestWinograd::suspendedLayersUseTheDirectConvolution()
{
    torch::manual_seed(7);
    auto layer = layers::conv(32, 32, 3, 1, false);
    const auto x = torch::randn({2, 32, 10, 10}).contiguous(at::MemoryFormat::ChannelsLast);
    torch::NoGradGuard noGrad;
    const auto expected = torch::conv2d(x, layer->weight, {}, 1, 1);
    const auto fast = layer->forward(x);
    QVERIFY(!torch::equal(fast, expected)); // other arithmetic: rounding differs somewhere
    QVERIFY2(relative(fast, expected) < 2e-5, std::to_string(relative(fast, expected)).c_str());
    {
        const winograd::Suspend suspend;
        QVERIFY(!winograd::enabled());
        QVERIFY(torch::equal(layer->forward(x), expected));
    }
    QVERIFY(winograd::enabled());
    winograd::setEnabled(false);
    QVERIFY(torch::equal(layer->forward(x), expected));
    winograd::setEnabled(true);
}

void TestWinograd::byDefaultFloatConvolutionsTakeTheKernels()
{
    // The default (no MNIST_STUDIO_WINOGRAD): one image or a training batch takes the studio's
    // kernels on every AVX2 CPU, with AVX-512 or not; under autocast (precision bfloat16) LibTorch's
    // bfloat16 convolutions do, unless the switch forces the kernels.
    if (std::getenv("MNIST_STUDIO_WINOGRAD"))
        QSKIP("MNIST_STUDIO_WINOGRAD is set: the default is not in use");
    winograd::resetEnabled();
    torch::manual_seed(11);
    auto layer = layers::conv(32, 32, 3, 1, false);
    const auto takesKernels = [&](const torch::Tensor& x) {
        return layer->forward(x).grad_fn()->name().find("Conv3x3Function") != std::string::npos;
    };
    const auto one = torch::randn({1, 32, 10, 10}).contiguous(at::MemoryFormat::ChannelsLast);
    const auto batch = torch::randn({32, 32, 10, 10}).contiguous(at::MemoryFormat::ChannelsLast);
    QVERIFY(takesKernels(one));
    QVERIFY(takesKernels(batch));
    {
        const AutocastScope bfloat16(Precision::BFloat16);
        QVERIFY(!winograd::preferred());
        QVERIFY(!takesKernels(batch));
        winograd::setEnabled(true);
        QVERIFY(takesKernels(batch));
        winograd::resetEnabled();
    }
    QVERIFY(winograd::preferred());
    winograd::setEnabled(false);
    QVERIFY(!winograd::preferred());
    QVERIFY(!takesKernels(batch));
    winograd::resetEnabled();
}

void TestWinograd::packedLayerKeepsTransformedWeightsUntilTheyChange()
{
    torch::manual_seed(9);
    auto layer = layers::conv(32, 48, 3, 1, true);
    torch::NoGradGuard noGrad;
    const auto x = torch::randn({1, 32, 9, 9}).contiguous(at::MemoryFormat::ChannelsLast);
    QVERIFY(layer->pack());
    const auto packed = layer->forward(x);
    const auto direct = [&] { return torch::conv2d(x, layer->weight, layer->bias, 1, 1); };
    QVERIFY2(relative(packed, direct()) < 2e-5, std::to_string(relative(packed, direct())).c_str());
    QVERIFY(torch::equal(packed, winograd::forward(x, layer->weight, layer->bias)));
    layer->weight.mul_(-2); // a changed weight: the snapshot is ignored, not used stale
    const auto changed = layer->forward(x);
    QVERIFY2(relative(changed, direct()) < 2e-5, std::to_string(relative(changed, direct())).c_str());
}

void TestWinograd::kernelWidthFollowsTheCpuAndTheSwitch()
{
    // CTest runs this unit twice on an AVX-512 machine: as is, and as tst_winograd_avx2 with
    // MNIST_STUDIO_AVX512=0, where every pass above must have run the kernels' AVX2 code.
    const char* setting = std::getenv("MNIST_STUDIO_AVX512");
    const bool switchedOff = setting && std::string_view(setting) == "0";
    QCOMPARE(kernels::wide(), __builtin_cpu_supports("avx512f") && !switchedOff);
}

STUDIO_TEST_GUILESS_MAIN(TestWinograd)
#include "tst_winograd.moc"
