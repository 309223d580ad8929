// mnist-studio: the desktop studio. Argument parsing and wiring only; the window lives in ui/.
#include "MainWindow.h"

#include "util/Allocator.h"
#include "util/LibraryVersions.h"
#include "util/Interrupts.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QSettings>
#include <QTemporaryDir>

#include <cstdio>

int main(int argc, char** argv)
{
    studio::keepFreedMemoryMapped();
    studio::installInterruptHandling();
    QApplication app(argc, argv);
    QApplication::setOrganizationName("MNIST Studio");
    QApplication::setApplicationName("mnist-studio");
    QApplication::setApplicationDisplayName("MNIST Studio");
    QApplication::setApplicationVersion(QString::fromStdString(studio::studioVersion()));
    QApplication::setDesktopFileName("io.github.mniststudio.MnistStudio");

    QCommandLineParser parser;
    parser.setApplicationDescription("MNIST Studio: train and understand digit classifiers.");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({"data", "Dataset folder with the four IDX files (raw or .gz).", "DIR"});
    parser.addOption({"runs", "Run store folder (default: $MNIST_STUDIO_RUNS or the XDG data folder).", "DIR"});
    parser.addOption({"self-test", "Open the window, draw every page once (with a run store of its own) and exit: 0 "
                                   "when every page drew. For checking an installation, e.g. with "
                                   "QT_QPA_PLATFORM=offscreen."});
    parser.process(app);

    if (parser.isSet("self-test")) {
        QTemporaryDir runs; // the user's run store and settings stay untouched
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, runs.filePath("settings"));
        studio::ui::MainWindow window({parser.value("data"), runs.filePath("runs")});
        window.show();
        QStringList lines;
        const bool ok = window.selfTest(lines);
        std::printf("mnist-studio %s self-test (%s):\n", qPrintable(QApplication::applicationVersion()),
                    qPrintable(QGuiApplication::platformName()));
        for (const auto& line : lines)
            std::printf("  %s\n", qPrintable(line));
        std::printf("%s\n", ok ? "self-test passed" : "self-test FAILED");
        return ok ? 0 : 1;
    }

    studio::ui::MainWindow window({parser.value("data"), parser.value("runs")});
    // SIGINT/SIGTERM close the window as the user would: training stops after the current batch
    // and leaves a resumable run.
    const studio::InterruptScope closeOnSignal(
        [&window] { QMetaObject::invokeMethod(&window, &QWidget::close, Qt::QueuedConnection); });
    window.show();
    return app.exec();
}
