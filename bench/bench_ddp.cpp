// Data-parallel training on this machine: 1 process × 2 threads against 2 processes × 1 thread
// (c10d Gloo over loopback), images/s over one epoch of MNIST images, the all-reduce's milliseconds
// and bytes per step; then an estimate for W hosts of this size from those measured figures.
// usage: bench_ddp [IMAGES_SIMPLE_CNN] [IMAGES_RESNET]   (rank 1 runs as: bench_ddp --rank1 PORT MODEL IMAGES)
#include "BenchMain.h"

#include "data/Dataset.h"
#include "distributed/World.h"
#include "training/Trainer.h"
#include "util/Allocator.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>

using namespace studio;

namespace {

struct EpochTime : TrainingObserver {
    double seconds = 0;
    void onEpoch(const EpochRecord& e) override { seconds += e.seconds; }
};

TrainConfig benchConfig(const char* model, std::int64_t images, int threads)
{
    TrainConfig c;
    c.model = model;
    c.numEpochs = 1;
    c.limitTrain = images;
    c.valFraction = 0.0;
    c.batchSize = 128;
    c.optimizer = OptimizerKind::Adam;
    c.learningRate = 1e-3;
    c.threads = threads;
    return c;
}

struct Measured {
    double imagesPerSecond = 0, secondsPerStep = 0, reduceMsPerStep = 0, bytesPerStep = 0;
};

Measured train(const Dataset& data, const TrainConfig& c, World* world)
{
    QTemporaryDir dir;
    Trainer trainer(c, data, dir.path());
    trainer.joinWorld(world);
    EpochTime time;
    trainer.addObserver(&time);
    const auto result = trainer.run();
    if (result.reason != FinishReason::Completed) {
        std::fprintf(stderr, "training ended: %s\n", result.message.c_str());
        std::exit(1);
    }
    const double steps = double(trainer.batchesPerEpoch());
    Measured m;
    m.imagesPerSecond = double(trainer.trainingSize()) / time.seconds;
    m.secondsPerStep = time.seconds / steps;
    if (world) {
        m.reduceMsPerStep = world->reduceSeconds() * 1000 / steps;
        m.bytesPerStep = double(world->reducedBytes()) / steps;
    }
    return m;
}

WorldSpec pairSpec(int rank, int port)
{
    WorldSpec spec;
    spec.size = 2;
    spec.rank = rank;
    spec.masterPort = port;
    return spec;
}

/// W hosts of this machine's size on a link of `gbits`: per step, the global batch's compute shared
/// out (the measured single-host step / W) plus a ring all-reduce of the measured bytes, 2(W-1)/W of
/// them through each host's link, with 2(W-1) message latencies.
double speedUp(const Measured& single, double bytes, int hosts, double gbits, double latencySeconds)
{
    const double compute = single.secondsPerStep / hosts;
    const double transfer = 2.0 * (hosts - 1) / hosts * bytes / (gbits * 1e9 / 8) + 2.0 * (hosts - 1) * latencySeconds;
    return single.secondsPerStep / (compute + transfer);
}

} // namespace

static int run(int argc, char** argv)
{
    keepFreedMemoryMapped();
    QCoreApplication app(argc, argv);
    const auto data = loadDataset(bench::mnistFolder());
    if (argc == 5 && std::string(argv[1]) == "--rank1") { // the second process of a pair
        std::string payload;
        const auto world = World::join(pairSpec(1, std::atoi(argv[2])), "bench", payload);
        train(data, benchConfig(argv[3], std::atoll(argv[4]), 1), world.get());
        return 0;
    }
    const std::int64_t simpleImages = argc > 1 ? std::atoll(argv[1]) : 12800;
    const std::int64_t resnetImages = argc > 2 ? std::atoll(argv[2]) : 2560;

    std::printf("%-11s %22s %22s %8s %12s %12s\n", "model", "1 proc × 2 thr img/s", "2 proc × 1 thr img/s", "ratio",
                "reduce ms/st", "MB/step");
    for (const auto& [model, images] : {std::pair{"simple-cnn", simpleImages}, std::pair{"resnet", resnetImages}}) {
        const auto single = train(data, benchConfig(model, images, 2), nullptr);
        QProcess rank1;
        rank1.setProcessChannelMode(QProcess::ForwardedChannels);
        std::string payload;
        const auto world = World::join(pairSpec(0, 0), "bench", payload, [&](int port) {
            rank1.start(QCoreApplication::applicationFilePath(),
                        {"--rank1", QString::number(port), model, QString::number(images)});
        });
        const auto pair = train(data, benchConfig(model, images, 1), world.get());
        rank1.waitForFinished(600000);
        std::printf("%-11s %22.0f %22.0f %8.2f %12.2f %12.2f\n", model, single.imagesPerSecond, pair.imagesPerSecond,
                    pair.imagesPerSecond / single.imagesPerSecond, pair.reduceMsPerStep, pair.bytesPerStep / 1e6);
        std::printf("  estimate, hosts of this size (step %.0f ms on one host, %.2f MB all-reduced):\n",
                    single.secondsPerStep * 1000, pair.bytesPerStep / 1e6);
        for (const auto& [gbits, latency, link] :
             {std::tuple{1.0, 50e-6, "1 Gbit/s"}, std::tuple{10.0, 20e-6, "10 Gbit/s"}})
            std::printf("    %-9s  2 hosts %.2f×  4 hosts %.2f×  8 hosts %.2f×\n", link,
                        speedUp(single, pair.bytesPerStep, 2, gbits, latency),
                        speedUp(single, pair.bytesPerStep, 4, gbits, latency),
                        speedUp(single, pair.bytesPerStep, 8, gbits, latency));
    }
    return 0;
}

int main(int argc, char** argv)
{
    return bench::guarded("bench_ddp", [&] { return run(argc, argv); });
}
