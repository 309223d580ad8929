// Training throughput of the engine: images/s over full epochs of MNIST (no validation split).
// usage: bench_throughput ARCH EPOCHS AUG(0/1) [THREADS] [BATCH]
// Prints one line comparable with shared/peer/seed_recipe.py.
#include "data/DataLocator.h"
#include "data/Dataset.h"
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

int main(int argc, char** argv)
{
    keepFreedMemoryMapped();
    QCoreApplication app(argc, argv);
    if (argc < 4) {
        std::fprintf(stderr, "usage: %s ARCH EPOCHS AUG(0/1) [THREADS] [BATCH]\n", argv[0]);
        return 2;
    }
    const auto location = locateData();
    if (!location.found()) {
        std::fprintf(stderr, "%s\n", location.missingMessage().c_str());
        return 1;
    }
    const auto data = loadDataset(location.folder);
    TrainConfig c;
    c.model = argv[1];
    c.numEpochs = std::atoi(argv[2]);
    c.augment.enabled = std::atoi(argv[3]) != 0;
    c.threads = argc > 4 ? std::atoi(argv[4]) : 2;
    c.batchSize = argc > 5 ? std::atoll(argv[5]) : 128;
    c.valFraction = 0.0;
    c.optimizer = OptimizerKind::Adam;
    c.learningRate = 1e-3;
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
    std::printf(
        "studio arch=%s epochs=%d aug=%d threads=%d s_per_epoch=%.1f img_per_s=%.0f eval_s=%.2f test_acc=%.2f\n",
        c.model.c_str(), c.numEpochs, c.augment.enabled ? 1 : 0, c.threads, times.seconds / c.numEpochs,
        images / times.seconds, evalSeconds, p.accuracy * 100);
    return 0;
}
