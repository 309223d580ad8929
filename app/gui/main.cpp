// mnist-studio: the desktop studio. Argument parsing and wiring only; the window lives in ui/.
#include "MainWindow.h"

#include "util/Allocator.h"
#include "util/BuildInfo.h"
#include "util/Interrupts.h"

#include <QApplication>
#include <QCommandLineParser>

int main(int argc, char** argv)
{
    studio::keepFreedMemoryMapped();
    studio::installInterruptHandling();
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
    // SIGINT/SIGTERM close the window as the user would: training stops after the current batch
    // and leaves a resumable run.
    const studio::InterruptScope closeOnSignal(
        [&window] { QMetaObject::invokeMethod(&window, &QWidget::close, Qt::QueuedConnection); });
    window.show();
    return app.exec();
}
