// Evaluation speed: full 10k MNIST test set through a model, best of several runs.
// usage: bench_eval [ARCH|CHECKPOINT.pt] [THREADS] [REPEATS] [BATCH]
#include "data/DataLocator.h"
#include "data/Dataset.h"
#include "evaluation/Predictions.h"
#include "models/ModelRegistry.h"
#include "training/Checkpoint.h"
#include "util/Allocator.h"
#include "util/TorchThreads.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>

using namespace studio;

int main(int argc, char** argv)
{
    keepFreedMemoryMapped();
    QCoreApplication app(argc, argv);
    const std::string what = argc > 1 ? argv[1] : "simple-cnn";
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
    const std::int64_t batch = argc > 4 ? std::atoll(argv[4]) : 1000;
    configureTorchThread(threads);
    const auto location = locateData();
    if (!location.found()) {
        std::fprintf(stderr, "%s\n", location.missingMessage().c_str());
        return 1;
    }
    const auto data = loadDataset(location.folder);
    Classifier model;
    double mean = data.mean, std = data.std;
    if (what.size() > 3 && what.substr(what.size() - 3) == ".pt") {
        auto loaded = loadModelFromCheckpoint(QString::fromStdString(what));
        model = loaded.model;
        mean = loaded.meta.mean;
        std = loaded.meta.std;
    } else {
        model = buildModel(what);
    }
    double best = 1e9;
    Predictions p;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        p = predict(*model, data.test, mean, std, batch);
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::printf("eval model=%s threads=%d batch=%lld images=%lld best_of_%d_s=%.3f img_per_s=%.0f accuracy=%.2f\n", what.c_str(),
                threads, static_cast<long long>(batch), static_cast<long long>(p.size()), repeats, best, static_cast<double>(p.size()) / best,
                p.accuracy * 100);
    return 0;
}
