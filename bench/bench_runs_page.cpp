// Opening the Runs page over a large store: generates RUNS runs (EPOCHS epochs of BATCHES batches
// each) in a temporary store, then times opening the page until its table is painted, a refresh,
// and selecting two runs (curves read and drawn). Issue 6's target: 200 runs open in under 1 s.
// usage: bench_runs_page [RUNS] [EPOCHS] [BATCHES]   (run with QT_QPA_PLATFORM=offscreen)
#include "BenchMain.h"

#include "DataSource.h"
#include "RunHistory.h"
#include "RunsPage.h"
#include "RunsService.h"
#include "RunsTableModel.h"
#include "TrainingSession.h"

#include "runs/RunStore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTableView>
#include <QTemporaryDir>

#include <cstdio>

using namespace studio;
using namespace studio::ui;

static int run(int argc, char** argv)
{
    QApplication app(argc, argv);
    const int runs = argc > 1 ? std::atoi(argv[1]) : 200;
    const int epochs = argc > 2 ? std::atoi(argv[2]) : 10;
    const int batches = argc > 3 ? std::atoi(argv[3]) : 100;
    QTemporaryDir dir;
    QElapsedTimer clock;
    clock.start();
    {
        RunStore store(dir.path());
        const char* models[] = {"simple-cnn", "resnet", "mlp", "tiny-v1", "tf-cnn"};
        for (int r = 0; r < runs; ++r) {
            TrainConfig c;
            c.model = models[r % 5];
            c.seed = std::uint64_t(r);
            c.learningRate = 0.001 * (1 + r % 3);
            c.numEpochs = epochs;
            const auto id = store.createRun(c, DatasetInfo{.name = "MNIST"}, 100000);
            for (int e = 1; e <= epochs; ++e) {
                std::vector<BatchRecord> rows;
                for (int b = 0; b < batches; ++b)
                    rows.push_back({qint64(e - 1) * batches + b, e, 1.0 / (e + b), 0.9, c.learningRate, 1000});
                store.recordEpoch(id, {e, 0.1, 0.97, 0.1, 0.97 + 0.001 * e, c.learningRate, 3}, rows, e, 0.98, 0.1,
                                  3.0 * e);
            }
            store.finishRun(id, "completed", "", 3.0 * epochs);
        }
    }
    std::printf("generated %d runs × %d epochs × %d batches in %.1f s\n", runs, epochs, batches,
                double(clock.elapsed()) / 1000);

    TrainingSession session(dir.path());
    DataSource data(dir.filePath("no-data"));
    RunsService service(dir.path());
    clock.restart();
    RunsPage page(&session, &data, &service);
    page.resize(1400, 900);
    page.show();
    QApplication::processEvents();
    page.table()->viewport()->repaint();
    const double open = double(clock.nsecsElapsed()) / 1e9;
    clock.restart();
    page.refresh();
    const double refresh = double(clock.nsecsElapsed()) / 1e9;
    const auto& all = page.model()->runs();
    {
        RunStore store(dir.path());
        clock.restart();
        const auto history = runHistory(store, all[0].id);
        std::printf("one run's history (%zu batches) from the store: %.3f s\n", history.batches.size(),
                    double(clock.nsecsElapsed()) / 1e9);
    }
    clock.restart();
    page.selectRuns({all[0].id, all[1].id});
    const double select = double(clock.nsecsElapsed()) / 1e9;
    clock.restart();
    QApplication::processEvents();
    const double paint = double(clock.nsecsElapsed()) / 1e9;
    std::printf("rows shown: %d\n", page.model()->rowCount());
    std::printf("open page (store, table, architectures, seed groups, first paint): %.3f s\n", open);
    std::printf("refresh: %.3f s\n", refresh);
    std::printf("select two runs (curves of %d batches each read): %.3f s, then drawn: %.3f s\n", epochs * batches,
                select, paint);
    return 0;
}

int main(int argc, char** argv)
{
    return bench::guarded("bench_runs_page", [&] { return run(argc, argv); });
}
