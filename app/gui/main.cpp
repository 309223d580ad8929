// mnist-studio: the desktop studio. Argument parsing and wiring only; the window lives in ui/.
#include "MainWindow.h"

#include "util/Allocator.h"
#include "util/BuildInfo.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

/// SIGINT/SIGTERM close the window like the user would: training stops after the current batch
/// and leaves a resumable run.
void closeOnSignals(QWidget* window)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return;
    auto* notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, window);
    QObject::connect(notifier, &QSocketNotifier::activated, window, [window] {
        char byte;
        [[maybe_unused]] const auto got = ::read(g_signalPipe[0], &byte, 1);
        window->close();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

} // namespace

int main(int argc, char** argv)
{
    studio::keepFreedMemoryMapped();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("MNIST Studio");
    QApplication::setApplicationName("mnist-studio");
    QApplication::setApplicationDisplayName("MNIST Studio");
    QApplication::setApplicationVersion(STUDIO_VERSION);
    QApplication::setDesktopFileName("mnist-studio");

    QCommandLineParser parser;
    parser.setApplicationDescription("MNIST Studio: train and understand digit classifiers.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({"data", "Dataset folder with the four IDX files (raw or .gz).", "DIR"});
    parser.addOption({"runs", "Run store folder (default: $MNIST_STUDIO_RUNS or the XDG data folder).", "DIR"});
    parser.process(app);

    studio::ui::MainWindow window({parser.value("data"), parser.value("runs")});
    closeOnSignals(&window);
    window.show();
    return app.exec();
}
