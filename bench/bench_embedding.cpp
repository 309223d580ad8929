// The embedding map's cost on the MNIST test set: penultimate features of a checkpoint (or the raw
// pixels without one), PCA to 2-D, and Barnes-Hut t-SNE, each timed, with the share of each image's
// 10 nearest map neighbours that share its true class. The target: 10,000 points in ≤ 60 s
// on 2 cores.
// usage: bench_embedding [CHECKPOINT.pt] [--images N] [--threads T] [--perplexity P] [--iterations I]
#include "BenchMain.h"

#include "data/Dataset.h"
#include "evaluation/Embedding.h"
#include "evaluation/Pca.h"
#include "evaluation/Tsne.h"
#include "training/Checkpoint.h"
#include "util/TorchThreads.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace studio;

namespace {

double secondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int run(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    std::int64_t count = 10000;
    int threads = 2;
    TsneOptions options;
    QString checkpoint;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--images") && i + 1 < argc)
            count = std::atoll(argv[++i]);
        else if (!std::strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--perplexity") && i + 1 < argc)
            options.perplexity = std::atof(argv[++i]);
        else if (!std::strcmp(argv[i], "--iterations") && i + 1 < argc)
            options.iterations = std::atoi(argv[++i]);
        else
            checkpoint = QString::fromLocal8Bit(argv[i]);
    }
    configureTorchThread(threads);
    const auto data = loadDataset(bench::mnistFolder());
    count = std::min(count, data.test.size());
    const auto images = data.test.images.slice(0, 0, count);
    const auto labels = data.test.labels.slice(0, 0, count);

    auto t0 = std::chrono::steady_clock::now();
    torch::Tensor features;
    if (checkpoint.isEmpty()) {
        features = images.flatten(1).to(torch::kFloat) / 255.0;
    } else {
        const auto loaded = loadModelFromCheckpoint(checkpoint);
        features = penultimateFeatures(*loaded.model, images, loaded.meta.data.mean, loaded.meta.data.std);
    }
    std::printf("%lld images, %d thread(s), features %s: %lld dimensions in %.2f s\n", (long long)count, threads,
                checkpoint.isEmpty() ? "raw pixels" : qPrintable(checkpoint), (long long)features.size(1),
                secondsSince(t0));
    t0 = std::chrono::steady_clock::now();
    const auto pca = fitPca(features, 2);
    const auto flat = pca.project(features);
    std::printf("PCA 2-D:  %6.2f s, explained %.1f %% + %.1f %%, 10-NN purity %.3f\n", secondsSince(t0),
                pca.explainedRatio()[0].item<double>() * 100, pca.explainedRatio()[1].item<double>() * 100,
                neighbourhoodPurity(flat, labels, 10));
    t0 = std::chrono::steady_clock::now();
    const auto layout = tsne(features, options);
    std::printf("t-SNE:    %6.2f s (perplexity %.0f, %d iterations, theta %.1f), 10-NN purity %.3f\n", secondsSince(t0),
                options.perplexity, options.iterations, options.theta, neighbourhoodPurity(layout, labels, 10));
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    return bench::guarded("bench_embedding", [&] { return run(argc, argv); });
}
