// Training throughput with the studio window running (live charts, offscreen) against the same
// config trained headless the way the CLI does (Trainer + RunRecorder), alternating A B A B in
// one process so machine drift hits both. Prints images/s of each run and the overhead.
// usage: bench_gui_overhead [ARCH] [LIMIT_TRAIN] [EPOCHS] [THREADS] [ROUNDS]
#include "BenchMain.h"

#include "DataSource.h"
#include "MainWindow.h"
#include "TrainPage.h"
#include "TrainingSession.h"

#include "data/Dataset.h"
#include "runs/RunRecorder.h"
#include "runs/RunStore.h"
#include "training/Trainer.h"
#include "util/Allocator.h"
#include "util/TorchThreads.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <ctime>
#include <thread>
#include <cstdio>
#include <vector>

using namespace studio;

namespace {

/// Images per second of training (validation included) the way the CLI trains: on the main
/// thread, Trainer + RunRecorder, no window events.
double headless(const TrainConfig& config, const Dataset& data, const QString& runs)
{
    configureTorchThread(config.threads);
    RunStore store(runs);
    const auto id = store.createRun(config, data, 0);
    Trainer trainer(config, data, store.runDir(id));
    RunRecorder recorder(store, id);
    trainer.addObserver(&recorder);
    QElapsedTimer clock;
    clock.start();
    const auto finished = trainer.run();
    return double(trainer.trainingSize()) * finished.epochsCompleted / (double(clock.nsecsElapsed()) * 1e-9);
}

struct WindowedRun {
    double imagesPerSecond = 0;
    double uiCpuSeconds = 0; ///< CPU time of the UI thread (events, layout, chart painting)
    double wallSeconds = 0;
};

double threadCpuSeconds()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

/// The same training started from the Train page, the window's event loop running as in the app.
WindowedRun windowed(const TrainConfig& config, ui::MainWindow& window, std::int64_t trainImages)
{
    auto* page = window.trainPage();
    page->setConfig(config);
    WindowedRun run;
    int epochs = 0;
    QEventLoop loop;
    auto finished = QObject::connect(window.session(), &ui::TrainingSession::runFinished,
                                     [&](const ui::RunFinished& r) { epochs = r.epochsCompleted; });
    auto idle = QObject::connect(window.session(), &ui::TrainingSession::stateChanged, [&](auto state) {
        if (state == ui::TrainingSession::State::Idle)
            loop.quit();
    });
    const double cpu0 = threadCpuSeconds();
    QElapsedTimer clock;
    clock.start();
    page->start();
    loop.exec();
    run.wallSeconds = double(clock.nsecsElapsed()) * 1e-9;
    run.uiCpuSeconds = threadCpuSeconds() - cpu0;
    run.imagesPerSecond = double(trainImages) * epochs / run.wallSeconds;
    QObject::disconnect(finished);
    QObject::disconnect(idle);
    return run;
}

/// Seconds from pressing Stop mid-epoch to the worker having ended (checkpoint written).
double stopLatency(const TrainConfig& config, ui::MainWindow& window)
{
    auto* page = window.trainPage();
    page->setConfig(config);
    QEventLoop loop;
    int batches = 0;
    auto batch = QObject::connect(window.session(), &ui::TrainingSession::batchDone, [&] {
        if (++batches == 5)
            loop.quit();
    });
    page->start();
    loop.exec();
    QObject::disconnect(batch);
    QElapsedTimer clock;
    clock.start();
    window.session()->stopAndWait();
    return double(clock.nsecsElapsed()) * 1e-9;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

static int run(int argc, char** argv)
{
    keepFreedMemoryMapped();
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    const auto folder = bench::mnistFolder();
    TrainConfig config;
    config.model = argc > 1 ? argv[1] : "simple-cnn";
    config.limitTrain = argc > 2 ? std::atoll(argv[2]) : 20000;
    config.numEpochs = argc > 3 ? std::atoi(argv[3]) : 1;
    config.threads = argc > 4 ? std::atoi(argv[4]) : 2;
    const int rounds = argc > 5 ? std::atoi(argv[5]) : 2;
    config.batchSize = 128;

    QTemporaryDir scratch;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, scratch.filePath("settings"));
    ui::MainWindow window({QString::fromStdString(folder), scratch.filePath("runs")});
    window.resize(1500, 940);
    window.show();
    while (!window.trainPage()->canStart())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    // Both sides train on the very same tensors (the window's loaded dataset).
    const Dataset& data = *window.dataSource()->dataset();
    const auto trainImages = config.limitTrain - std::llround(double(config.limitTrain) * config.valFraction);

    std::vector<double> cli, gui, overhead, uiShare;
    for (int r = 0; r < rounds; ++r) {
        cli.push_back(headless(config, data, scratch.filePath("runs")));
        const auto w = windowed(config, window, trainImages);
        gui.push_back(w.imagesPerSecond);
        overhead.push_back(100.0 * (cli.back() - gui.back()) / cli.back());
        uiShare.push_back(100.0 * w.uiCpuSeconds / (w.wallSeconds * std::thread::hardware_concurrency()));
        std::printf("round %d: headless %.0f img/s, window %.0f img/s, overhead %.1f %%; UI thread CPU %.2f s of "
                    "%.1f s wall = %.1f %% of the machine\n",
                    r + 1, cli.back(), gui.back(), overhead.back(), w.uiCpuSeconds, w.wallSeconds, uiShare.back());
        std::fflush(stdout);
    }
    std::printf("%s, %lld images x %d epochs, %d threads, %d rounds (medians): headless %.0f img/s, window %.0f img/s, "
                "overhead %.1f %%, UI thread %.1f %% of the machine\n",
                config.model.c_str(), static_cast<long long>(trainImages), config.numEpochs, config.threads, rounds,
                median(cli), median(gui), median(overhead), median(uiShare));
    for (const char* model : {"simple-cnn", "resnet"}) {
        auto stopped = config;
        stopped.model = model;
        stopped.limitTrain = 0;
        std::printf("stop mid-epoch → worker joined, %s: %.2f s\n", model, stopLatency(stopped, window));
    }
    window.close();
    return 0;
}

int main(int argc, char** argv)
{
    return bench::guarded("bench_gui_overhead", [&] { return run(argc, argv); });
}
