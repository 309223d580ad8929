// Drawing-canvas latency: canvas preprocessing + one forward pass per drawing, as the Draw page
// scores a stroke (one torch thread). MNIST test digits upscaled onto a 280×280 canvas stand in
// for drawings. Prints p50 / p90 / p99 / max per model; the target is p99 ≤ 1 ms.
// usage: bench_inference [ARCH|CHECKPOINT.pt ...] [--images N] [--threads T] [--pace MS]
// --pace MS: the machine idles MS milliseconds before each drawing, as between a user's mouse
// events (~16 at 60 Hz); without it drawings follow each other at once.
#include "BenchMain.h"

#include "data/Dataset.h"
#include "inference/CanvasPreprocessor.h"
#include "inference/Predictor.h"
#include "inference/Robustness.h"
#include "inference/WorstCase.h"
#include "training/Trainer.h"
#include "util/Allocator.h"
#include "util/TorchThreads.h"

#include <opencv2/imgproc.hpp>

#include <QCoreApplication>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstring>
#include <thread>

using namespace studio;

namespace {

using Clock = std::chrono::steady_clock;

double ms(Clock::time_point from)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - from).count();
}

struct Percentiles {
    double p50, p90, p99, max;
};

Percentiles percentiles(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const auto at = [&](double q) { return v[std::min(v.size() - 1, std::size_t(q * double(v.size())))]; };
    return {at(0.5), at(0.9), at(0.99), v.back()};
}

/// Test digit i upscaled 10× onto a black 280×280 canvas, like a drawing.
cv::Mat canvasOf(const torch::Tensor& images, std::int64_t i)
{
    const auto one = images[i].contiguous();
    const cv::Mat digit(28, 28, CV_8U, one.data_ptr<std::uint8_t>());
    cv::Mat canvas;
    cv::resize(digit, canvas, {280, 280}, 0, 0, cv::INTER_LINEAR);
    return canvas;
}

/// A checkpoint of `arch` to load: a few batches of real training (weights do not change the time).
QString quickCheckpoint(const std::string& arch, const Dataset& data, const QString& folder)
{
    TrainConfig c;
    c.model = arch;
    c.numEpochs = 1;
    c.limitTrain = 512;
    c.batchSize = 64;
    c.threads = 1;
    Trainer trainer(c, data, folder + "/" + QString::fromStdString(arch));
    trainer.run();
    return trainer.bestPath();
}

} // namespace

int run(int argc, char** argv)
{
    keepFreedMemoryMapped();
    QCoreApplication app(argc, argv);
    std::vector<std::string> models;
    std::int64_t count = 2000;
    int threads = 1;
    std::chrono::microseconds pace{0};
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--images") && i + 1 < argc)
            count = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--pace") && i + 1 < argc)
            pace = std::chrono::microseconds(std::llround(1000 * std::atof(argv[++i])));
        else if (!std::strncmp(argv[i], "--", 2)) { // not a model: a misspelt option or one without its value
            std::fprintf(stderr, "bench_inference: unknown option or missing value: %s (see --help)\n", argv[i]);
            return 2;
        } else
            models.emplace_back(argv[i]);
    }
    if (models.empty())
        models = {"simple-cnn", "tf-cnn", "tiny-v3", "mlp", "resnet"};
    configureTorchThread(threads);
    const auto data = loadDataset(bench::mnistFolder());
    count = std::min(count, data.test.size());
    std::vector<cv::Mat> canvases;
    for (std::int64_t i = 0; i < count; ++i)
        canvases.push_back(canvasOf(data.test.images, i));

    std::vector<double> pre;
    for (const auto& canvas : canvases) {
        const auto t0 = Clock::now();
        CanvasPreprocessor::process(canvas);
        pre.push_back(ms(t0));
    }
    const auto p = percentiles(pre);
    std::printf("%zu drawings of 280×280, %d torch thread(s), milliseconds per drawing; ", canvases.size(), threads);
    if (pace.count() > 0)
        std::printf("the machine idle %.3g ms before each\n", double(pace.count()) / 1000.0);
    else
        std::printf("one after another\n");
    std::printf("%-22s %7s %7s %7s %7s\n", "", "p50", "p90", "p99", "max");
    std::printf("%-22s %7.3f %7.3f %7.3f %7.3f\n", "preprocessing only", p.p50, p.p90, p.p99, p.max);

    QTemporaryDir dir;
    for (const auto& what : models) {
        const bool file = what.size() > 3 && what.substr(what.size() - 3) == ".pt";
        Predictor predictor(file ? QString::fromStdString(what) : quickCheckpoint(what, data, dir.path()));
        for (int i = 0; i < 50; ++i) // warm-up: first calls allocate and pick kernels
            predictor.predict(canvases[std::size_t(i) % canvases.size()]);
        // A score straight after a batched search (robustness sweep, worst case) finds the caches
        // cold: counted apart, since while the user draws strokes follow strokes.
        std::vector<double> total, afterBatch, explain, sweep, worst;
        int searched = 0, flipped = 0;
        int correct = 0;
        bool batchBefore = false;
        for (std::size_t i = 0; i < canvases.size(); ++i) {
            if (pace.count() > 0)
                std::this_thread::sleep_for(pace);
            const auto t0 = Clock::now();
            const auto r = predictor.predict(canvases[i]);
            (batchBefore ? afterBatch : total).push_back(ms(t0));
            batchBefore = false;
            correct += r.predicted == data.test.labels[std::int64_t(i)].item<std::int64_t>();
            if (i % 10 == 0) {
                const auto t1 = Clock::now();
                predictor.explain(r.input28, r.predicted);
                explain.push_back(ms(t1));
            }
            if (i % 50 == 0 && !r.empty) {
                const auto t2 = Clock::now();
                sweepRobustness(predictor, r.input28, 41);
                sweep.push_back(ms(t2));
                batchBefore = true;
            }
            if (i % 100 == 0 && !r.empty) {
                const auto t3 = Clock::now();
                const auto w = findWorstCase(predictor, r.input28);
                worst.push_back(ms(t3));
                batchBefore = true;
                searched = w.evaluated;
                flipped += w.found;
            }
        }
        const auto t = percentiles(total), e = percentiles(explain);
        const std::string name = file ? predictor.meta().config.model : what;
        std::printf("%-22s %7.3f %7.3f %7.3f %7.3f   (accuracy %.1f %%, %d thread(s), %s layout)\n",
                    (name + " score").c_str(), t.p50, t.p90, t.p99, t.max, 100.0 * correct / double(canvases.size()),
                    predictor.threads(), predictor.oneDnn() ? "oneDNN" : "LibTorch");
        std::printf("%-22s %7.3f %7.3f %7.3f %7.3f\n", (name + " +grad-cam").c_str(), e.p50, e.p90, e.p99, e.max);
        if (!afterBatch.empty()) {
            const auto a = percentiles(afterBatch);
            std::printf("%-22s %7.3f %7.3f %7.3f %7.3f   (%zu scores straight after a sweep or search)\n",
                        (name + " score cold").c_str(), a.p50, a.p90, a.p99, a.max, afterBatch.size());
        }
        if (!sweep.empty()) {
            const auto w = percentiles(sweep);
            std::printf("%-22s %7.3f %7.3f %7.3f %7.3f   (6 perturbations × 41 steps, one batch)\n",
                        (name + " robustness").c_str(), w.p50, w.p90, w.p99, w.max);
        }
        if (!worst.empty()) {
            const auto w = percentiles(worst);
            std::printf("%-22s %7.3f %7.3f %7.3f %7.3f   (~%d images a search, %d of %zu flipped)\n",
                        (name + " worst case").c_str(), w.p50, w.p90, w.p99, w.max, searched, flipped, worst.size());
        }
    }
    return 0;
}

int main(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            std::printf("usage: bench_inference [ARCH|CHECKPOINT.pt ...] [--images N] [--threads T] [--pace MS]\n");
            return 0;
        }
    return bench::guarded("bench_inference", [&] { return run(argc, argv); });
}
