// Evaluation speed: full 10k MNIST test set through a model, best of several runs.
// usage: bench_eval [ARCH|CHECKPOINT.pt] [THREADS] [REPEATS] [BATCH]
#include "BenchMain.h"

#include "data/Dataset.h"
#include "data/ModelInput.h"
#include "models/Predictions.h"
#include "models/ModelRegistry.h"
#include "training/Checkpoint.h"
#include "util/Allocator.h"
#include "util/TorchThreads.h"

#include <QCoreApplication>

#include <chrono>
#include <cstdio>
#include <map>

using namespace studio;

static int run(int argc, char** argv)
{
    keepFreedMemoryMapped();
    QCoreApplication app(argc, argv);
    const std::string what = argc > 1 ? argv[1] : "simple-cnn";
    const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
    const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
    const std::int64_t batch = argc > 4 ? std::atoll(argv[4]) : 128; // predict()'s default
    configureTorchThread(threads);
    const auto data = loadDataset(bench::mnistFolder());
    Classifier model;
    double mean = data.mean, std = data.std;
    if (what.size() > 3 && what.substr(what.size() - 3) == ".pt") {
        auto loaded = loadModelFromCheckpoint(QString::fromStdString(what));
        model = loaded.model;
        mean = loaded.meta.data.mean;
        std = loaded.meta.data.std;
    } else {
        model = buildModel(what);
    }
    double best = 1e9, first = 0; // the first run is what a fresh `evaluate` process sees
    Predictions p;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        p = predict(*model, data.test, mean, std, batch);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        first = i == 0 ? seconds : first;
        best = std::min(best, seconds);
    }
    // Where the time goes: each stage's share of one pass (taps fire as each stage's output is ready).
    struct StageClock : LayerTap {
        std::chrono::steady_clock::time_point last;
        std::vector<std::pair<std::string, double>> seconds;
        void onLayer(const std::string& name, const torch::Tensor&) override
        {
            const auto now = std::chrono::steady_clock::now();
            seconds.emplace_back(name, std::chrono::duration<double>(now - last).count());
            last = now;
        }
    };
    {
        // One batch after another on one thread: what each of predict()'s workers does.
        configureTorchThread(1);
        torch::NoGradGuard noGrad;
        model->eval();
        std::map<std::string, double> total;
        std::vector<std::string> order;
        const auto prep0 = std::chrono::steady_clock::now();
        double prepare = 0;
        for (std::int64_t begin = 0; begin < data.test.size(); begin += batch) {
            const auto t = std::chrono::steady_clock::now();
            const auto x =
                toModelInput(data.test.images.slice(0, begin, std::min(begin + batch, data.test.size())), mean, std);
            StageClock clock;
            clock.last = std::chrono::steady_clock::now();
            prepare += std::chrono::duration<double>(clock.last - t).count();
            model->forwardTapped(x, &clock);
            for (const auto& [name, s] : clock.seconds) {
                if (!total.count(name))
                    order.push_back(name);
                total[name] += s;
            }
        }
        const double all = std::chrono::duration<double>(std::chrono::steady_clock::now() - prep0).count();
        std::printf("stages (one pass on one thread, %.3f s): input %.3f s", all, prepare);
        for (const auto& name : order)
            std::printf(", %s %.3f s", name.c_str(), total[name]);
        std::printf("\n");
    }
    std::printf(
        "eval model=%s threads=%d batch=%lld images=%lld first_s=%.3f best_of_%d_s=%.3f img_per_s=%.0f accuracy=%.2f\n",
        what.c_str(), threads, static_cast<long long>(batch), static_cast<long long>(p.size()), first, repeats, best,
        static_cast<double>(p.size()) / best, p.accuracy * 100);
    return 0;
}

int main(int argc, char** argv)
{
    return bench::guarded("bench_eval", [&] { return run(argc, argv); });
}
