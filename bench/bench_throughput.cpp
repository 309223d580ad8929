// Training throughput of the engine: images/s over full epochs of MNIST (no validation split), and
// what that is in arithmetic: GFLOP/s (2 × the multiply-adds of a training step per image, from the
// model summary, × images/s) against the machine's measured peak on the same threads (Peak.h: the
// better of a 2048² GEMM and a large oneDNN convolution). The multiply-adds are the direct
// convolution's: with the Winograd kernels (models/Winograd.h) the figure is an equivalent rate and
// can pass the peak; MNIST_STUDIO_WINOGRAD=0 measures the direct convolution.
// usage: bench_throughput ARCH EPOCHS AUG(0/1) [THREADS] [BATCH] [IMAGES]
// Prints one line comparable with shared/peer/seed_recipe.py.
#include "BenchMain.h"
#include "Peak.h"

#include "data/Dataset.h"
#include "models/ModelRegistry.h"
#include "models/ModelSummary.h"
#include "models/Predictions.h"
#include "training/Trainer.h"
#include "util/Allocator.h"
#include "util/TorchThreads.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <chrono>
#include <cstdio>

using namespace studio;

namespace {
struct EpochTimes : TrainingObserver {
    double seconds = 0;
    void onEpoch(const EpochRecord& e) override { seconds += e.seconds; }
};
} // namespace

static int run(int argc, char** argv)
{
    keepFreedMemoryMapped();
    QCoreApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s ARCH EPOCHS AUG(0/1) [THREADS] [BATCH] [IMAGES] [PRECISION]\n", argv[0]);
        return 2;
    }
    const auto data = loadDataset(bench::mnistFolder());
    TrainConfig c;
    c.model = argv[1];
    c.numEpochs = std::atoi(argv[2]);
    c.augment.enabled = std::atoi(argv[3]) != 0;
    c.threads = argc > 4 ? std::atoi(argv[4]) : 2;
    c.batchSize = argc > 5 ? std::atoll(argv[5]) : 128;
    c.limitTrain = argc > 6 ? std::atoll(argv[6]) : 0;
    if (argc > 7)
        setConfigField(c, *findConfigField("precision"), argv[7]);
    c.valFraction = 0.0;
    c.optimizer = OptimizerKind::Adam;
    c.learningRate = 1e-3;
    if (!findModel(c.model)) {
        std::fprintf(stderr, "unknown architecture %s\n", c.model.c_str());
        return 2;
    }
    configureTorchThread(c.threads);
    const auto peak = bench::measurePeak();
    const auto cost = summarizeModel(*buildModel(c.model));
    QTemporaryDir dir;
    Trainer trainer(c, data, dir.path());
    EpochTimes times;
    trainer.addObserver(&times);
    const auto result = trainer.run();
    if (result.reason != FinishReason::Completed) {
        std::fprintf(stderr, "training ended: %s\n", result.message.c_str());
        return 1;
    }
    configureTorchThread(c.threads);
    const auto t0 = std::chrono::steady_clock::now();
    const auto p = predict(*trainer.model(), data.test, data.mean, data.std);
    const double evalSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double images = static_cast<double>(trainer.trainingSize()) * c.numEpochs;
    const double imagesPerSecond = images / times.seconds;
    const double gflops = 2.0 * double(cost.trainingMultiplyAdds) * imagesPerSecond / 1e9;
    std::printf("studio arch=%s precision=%s epochs=%d aug=%d threads=%d s_per_epoch=%.1f img_per_s=%.0f eval_s=%.2f "
                "test_acc=%.2f train_mmacs_per_img=%.2f gflops=%.1f peak_gemm=%.1f peak_conv=%.1f of_peak=%.0f%%\n",
                c.model.c_str(), c.precision == Precision::BFloat16 ? "bfloat16" : "float32", c.numEpochs,
                c.augment.enabled ? 1 : 0, c.threads, times.seconds / c.numEpochs, imagesPerSecond, evalSeconds,
                p.accuracy * 100, double(cost.trainingMultiplyAdds) / 1e6, gflops, peak.gemm, peak.convolution,
                100.0 * gflops / peak.best());
    return 0;
}

int main(int argc, char** argv)
{
    return bench::guarded("bench_throughput", [&] { return run(argc, argv); });
}
