// sweep create | list | show ID | cancel ID | run ID --workers K, and the sweep side of `worker`:
// a search space expanded into queued runs that any number of workers train.
#include "cli/CliSupport.h"
#include "cli/Commands.h"
#include "cli/Training.h"

#include "runs/SweepWorker.h"
#include "runs/Sweeps.h"
#include "util/StudioError.h"

#include <QCoreApplication>
#include <QProcess>

#include <cmath>
#include <csignal>
#include <limits>

namespace studio::cli {
namespace {

std::int64_t sweepId(const QStringList& positional)
{
    if (positional.size() < 2)
        throw StudioError("Give the sweep's id, e.g. `sweep show 1` (see `sweep list`).");
    bool ok = false;
    const auto id = positional[1].toLongLong(&ok);
    if (!ok || id < 1)
        throw StudioError("\"" + positional[1].toStdString() + "\" is not a sweep id (see `sweep list`).");
    return id;
}

SweepRecord existingSweep(const RunStore& store, std::int64_t id)
{
    const auto s = store.sweep(id);
    if (!s)
        throw StudioError("No sweep " + std::to_string(id) + " in " + store.location().toStdString() + ".");
    return *s;
}

std::string progress(const SweepRecord& s)
{
    return QString("%1/%2 done, %3 running, %4 queued, %5 to continue, %6 failed%7")
        .arg(s.done)
        .arg(s.total)
        .arg(s.running)
        .arg(s.queued)
        .arg(s.waiting)
        .arg(s.failed)
        .arg(s.cancelled ? QString(", %1 cancelled").arg(s.cancelled) : QString())
        .toStdString();
}

int create(const QCommandLineParser& parser)
{
    SweepSpec spec;
    spec.base = configFromOptions(parser);
    for (const auto& g : parser.values("grid"))
        spec.grid.push_back(parseGridAxis(g.toStdString()));
    for (const auto& s : parser.values("space"))
        spec.space.push_back(parseRandomAxis(s.toStdString()));
    spec.randomSamples = parser.isSet("random") ? int(wholeNumber(parser, "random", 1, 10000)) : 0;
    if (!spec.space.empty() && spec.randomSamples == 0)
        throw StudioError("--space needs --random N: the number of draws.");
    spec.seeds = int(wholeNumber(parser, "seeds", 1, 1000));
    spec.metric = parser.value("metric").toStdString();
    if (spec.grid.empty() && spec.space.empty() && spec.seeds == 1)
        throw StudioError("A sweep needs something to vary: --grid FIELD=A,B, --space with --random N, or --seeds K.");
    const auto data = loadDatasetFor(parser);
    RunStore store(runsFolder(parser));
    // --name names the sweep (its runs add their varied values to it).
    const QString name = parser.isSet("name") ? parser.value("name") : QString("sweep");
    spec.base.name.clear();
    const auto id = createSweep(store, name, spec, data);
    const auto s = existingSweep(store, id);
    std::string varied;
    for (const auto& f : variedFields(spec))
        varied += (varied.empty() ? "" : ", ") + f;
    std::printf("sweep %lld \"%s\": %d runs queued on %s (varying %s; best by %s)\n"
                "train them with: mnist-studio-cli sweep run %lld --workers K   (or `worker --sweep %lld` on each "
                "machine sharing %s and its run folders)\n",
                static_cast<long long>(id), qPrintable(name), s.total, data.describe().c_str(), varied.c_str(),
                spec.metric.c_str(), static_cast<long long>(id), static_cast<long long>(id),
                qPrintable(store.location()));
    return 0;
}

void listSweeps(const RunStore& store)
{
    const auto sweeps = store.sweeps();
    if (sweeps.empty()) {
        std::printf("no sweeps in %s\n", qPrintable(store.location()));
        return;
    }
    std::printf("%-4s %-20s %-10s %-10s %s\n", "id", "name", "status", "best", "progress");
    for (const auto& s : sweeps) {
        const auto metric = s.spec["metric"].toString("val_acc").toStdString();
        const auto best = bestSweepRun(store.sweepRuns(s.id), metric);
        std::printf("%-4lld %-20s %-10s %-10s %s\n", static_cast<long long>(s.id), qPrintable(s.name.left(20)),
                    qPrintable(s.status), best ? percent(sweepMetric(*best, metric)).c_str() : "-",
                    progress(s).c_str());
    }
}

void showSweep(const RunStore& store, std::int64_t id)
{
    const auto s = existingSweep(store, id);
    const auto spec = sweepSpecFromJson(s.spec);
    const auto runs = store.sweepRuns(id);
    std::printf("sweep %lld \"%s\" (%s), created %s\n  %s\n  model %s, %d epochs, best by %s\n\n",
                static_cast<long long>(id), qPrintable(s.name), qPrintable(s.status),
                qPrintable(s.created.toString("yyyy-MM-dd hh:mm")), progress(s).c_str(), spec.base.model.c_str(),
                spec.base.numEpochs, spec.metric.c_str());
    const auto fields = variedFields(spec);
    std::printf("%-5s %-13s", "run", "status");
    for (const auto& f : fields)
        std::printf(" %14s", f.substr(0, 14).c_str());
    std::printf(" %9s %9s %7s\n", "best val", "test", "time");
    for (const auto& r : runs) {
        std::printf("%-5lld %-13s", static_cast<long long>(r.id), qPrintable(r.status));
        const auto config = configToJson(r.config);
        for (const auto& f : fields) {
            const auto v = config[QString::fromStdString(f)];
            std::printf(" %14s", qPrintable(v.isDouble() ? QString::number(v.toDouble(), 'g', 4) : v.toString()));
        }
        std::printf(" %9s %9s %6.0fs\n", percent(r.bestEpoch ? r.bestValAccuracy : -1).c_str(),
                    percent(r.testAccuracy).c_str(), r.seconds);
    }
    if (const auto best = bestSweepRun(runs, spec.metric))
        std::printf("\nbest: run %lld \"%s\" (%s %s, test %s)\n", static_cast<long long>(best->id),
                    qPrintable(best->name), spec.metric.c_str(), percent(sweepMetric(*best, spec.metric)).c_str(),
                    percent(best->testAccuracy).c_str());
}

/// Starts K `worker --sweep ID` processes of this program and waits for them (Ctrl-C reaches them
/// too: each stops its run after the current batch, resumable).
int runWorkers(const QCommandLineParser& parser, const RunStore& store, std::int64_t id)
{
    existingSweep(store, id);
    const QString location = runsFolder(parser); // with its password, if the URL has one
    const int workers = int(wholeNumber(parser, "workers", 1, 256));
    QStringList args{"worker", "--sweep", QString::number(id), "--runs", location};
    for (const auto& option : {"data", "threads", "max-runs"})
        if (parser.isSet(option))
            args << QString("--") + option << parser.value(option);
    std::vector<std::unique_ptr<QProcess>> processes;
    std::vector<qint64> pids;
    for (int i = 0; i < workers; ++i) {
        auto p = std::make_unique<QProcess>();
        p->setProcessChannelMode(QProcess::ForwardedChannels);
        p->start(QCoreApplication::applicationFilePath(), args);
        if (!p->waitForStarted())
            throw StudioError("Cannot start a worker: " + p->errorString().toStdString() + ".");
        pids.push_back(p->processId());
        processes.push_back(std::move(p));
    }
    std::printf("sweep %lld: %d workers started (pids", static_cast<long long>(id), workers);
    for (auto pid : pids)
        std::printf(" %lld", static_cast<long long>(pid));
    std::printf(")\n");
    std::fflush(stdout);
    int code = 0;
    {
        const auto interrupt = stopOnInterrupt([pids] {
            for (auto pid : pids)
                ::kill(static_cast<pid_t>(pid), SIGTERM);
        });
        for (auto& p : processes) {
            p->waitForFinished(-1);
            const int c = p->exitStatus() == QProcess::NormalExit ? p->exitCode() : 1;
            code = std::max(code, c);
        }
    }
    RunStore after(location);
    std::printf("sweep %lld: %s\n", static_cast<long long>(id), progress(existingSweep(after, id)).c_str());
    return code;
}

/// Prints what a sweep worker does, a line per epoch, each naming its run (workers share a terminal).
class WorkerPrinter : public SweepWorkerListener, public TrainingObserver {
public:
    explicit WorkerPrinter(const RunStore& store) : m_store(store) {}
    std::vector<TrainingObserver*> launching(RunLauncher& launcher) override
    {
        const auto& t = launcher.trainer();
        m_runId = launcher.runId();
        m_epochs = t.config().numEpochs;
        std::printf("run %lld \"%s\": %s\n", static_cast<long long>(m_runId), t.config().name.c_str(),
                    t.position().step > 0
                        ? QString("continuing at epoch %1").arg(t.position().epoch + 1).toUtf8().data()
                        : "starting");
        std::fflush(stdout);
        return {this};
    }
    void onEpoch(const EpochRecord& e) override
    {
        std::printf("run %lld epoch %d/%d: train loss %.4f | val %s | %.1f s\n", static_cast<long long>(m_runId),
                    e.epoch, m_epochs, e.trainLoss, std::isfinite(e.valAccuracy) ? percent(e.valAccuracy).c_str() : "-",
                    e.seconds);
        std::fflush(stdout);
    }
    void finished(std::int64_t runId, const LaunchResult& result) override
    {
        printOutcome(runId, m_store.runDir(runId), result);
        std::fflush(stdout);
    }
    void failed(std::int64_t runId, const std::string& message) override
    {
        std::fprintf(stderr, "error: run %lld cannot start: %s\n", static_cast<long long>(runId), message.c_str());
    }

private:
    const RunStore& m_store;
    std::int64_t m_runId = 0;
    int m_epochs = 0;
};

} // namespace

void addSweepWorkerOptions(QCommandLineParser& parser)
{
    parser.addOption({"sweep", "Take runs of this sweep only (default: of any active sweep).", "ID"});
    parser.addOption({"max-runs", "Take at most N runs, then end (default: until none is left).", "N"});
}

int sweepWorker(const QCommandLineParser& parser)
{
    SweepWorkerOptions options;
    options.sweep =
        parser.isSet("sweep") ? wholeNumber(parser, "sweep", 1, std::numeric_limits<std::int64_t>::max()) : 0;
    options.maxRuns = parser.isSet("max-runs") ? int(wholeNumber(parser, "max-runs", 1, 1000000)) : 0;
    options.threads = parser.isSet("threads") ? int(wholeNumber(parser, "threads", 1, 4096)) : 0;
    options.search = dataSearch(parser);
    RunStore store(runsFolder(parser));
    if (options.sweep > 0)
        existingSweep(store, options.sweep);
    SweepWorker worker(store, options);
    WorkerPrinter printer(store);
    SweepWorkerOutcome outcome;
    {
        const auto interrupt = stopOnInterrupt([&] { worker.stop(); });
        outcome = worker.run(printer);
    }
    std::printf("worker %lld: %d runs taken, %d failed%s\n", static_cast<long long>(QCoreApplication::applicationPid()),
                outcome.taken, outcome.failed, outcome.stopped ? ", stopped" : "; no run left to take");
    return outcome.stopped ? 130 : outcome.failed > 0 ? 1 : 0;
}

int sweepCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addDataOption(parser);
    addRunsOption(parser);
    addConfigOptions(parser);
    parser.addPositionalArgument("action", "create, list, show ID, cancel ID or run ID.");
    parser.addOption({"grid", "create: a grid axis FIELD=A,B,C (repeatable; every combination).", "FIELD=VALUES"});
    parser.addOption({"space",
                      "create: a random axis FIELD=LOW..HIGH or FIELD=log:LOW..HIGH (repeatable; with --random).",
                      "FIELD=RANGE"});
    parser.addOption({"random", "create: random draws of the --space axes at each grid point.", "N"});
    parser.addOption({"seeds", "create: seeds per point (base seed, +1, …).", "K", "1"});
    parser.addOption({"metric", "create: what picks the best run: val_acc or test_acc.", "METRIC", "val_acc"});
    parser.addOption({"workers", "run: local worker processes to start.", "K", "1"});
    parser.addOption({"max-runs", "run: runs each worker takes at most.", "N"});
    parseOrExit(parser, args,
                "Sweeps: a search space (grid, random draws, seeds) over a base config (--config, --preset and the "
                "config flags), filed in the run store as queued runs that any number of workers — `sweep run ID "
                "--workers K` here, `worker --sweep ID` on other machines sharing the store — train, evaluate on the "
                "test split and record. `list`, `show ID` (runs with their varied values, the best one) and `cancel "
                "ID` (its queued runs are not trained).");
    return guarded([&] {
        const auto pos = parser.positionalArguments();
        const QString action = pos.value(0, "list");
        if (action == "create")
            return create(parser);
        RunStore store(runsFolder(parser));
        if (action == "list")
            listSweeps(store);
        else if (action == "show")
            showSweep(store, sweepId(pos));
        else if (action == "cancel") {
            const auto id = sweepId(pos);
            const int cancelled = store.cancelSweep(id);
            std::printf("sweep %lld cancelled: %d queued runs will not be trained; runs in training finish.\n",
                        static_cast<long long>(id), cancelled);
        } else if (action == "run")
            return runWorkers(parser, store, sweepId(pos));
        else
            throw StudioError("Unknown sweep action \"" + action.toStdString() +
                              "\": create, list, show, cancel or run.");
        return 0;
    });
}

} // namespace studio::cli
