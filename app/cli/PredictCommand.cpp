// predict: classify image files with a checkpoint through the canvas preprocessing.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "DigitImage.h"

#include "data/ImageTensor.h"
#include "inference/Predictor.h"
#include "runs/RunStore.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>

#include <opencv2/core/mat.hpp>

namespace studio::cli {
namespace {

/// An image file as an 8-bit grayscale matrix (alpha composited on white).
cv::Mat readGray(const QString& path)
{
    const QImage gray = ui::readGrayImage(path);
    return matFromBytes(gray.constBits(), gray.height(), gray.width(), std::size_t(gray.bytesPerLine()));
}

} // namespace

int predictCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addRunsOption(parser);
    parser.addOption({"checkpoint", "Checkpoint file to predict with.", "FILE"});
    parser.addOption({"run", "Use this run's best checkpoint instead.", "ID"});
    parser.addOption({"temperature", "Divide the logits by T before the softmax (the T `evaluate` fits).", "T", "1"});
    parser.addOption({"save-input", "Also save each 28×28 model input as PNG into DIR.", "DIR"});
    parser.addPositionalArgument("images", "Image files (PNG, JPG, …), dark-on-light or light-on-dark.", "IMAGE...");
    parseOrExit(parser, args, "Classify digit images with a trained model.");
    return guarded([&] {
        configureTorchThread(1);
        QString checkpoint = parser.value("checkpoint");
        if (parser.isSet("run"))
            checkpoint = QDir(RunStore(runsFolder(parser)).runDir(parseRunId(parser.value("run")))).filePath("best.pt");
        if (checkpoint.isEmpty())
            throw StudioError("predict needs --checkpoint FILE or --run ID.");
        const auto images = parser.positionalArguments();
        if (images.isEmpty())
            throw StudioError("predict needs at least one image file.");
        Predictor predictor(checkpoint);
        bool ok = false;
        const double temperature = parser.value("temperature").toDouble(&ok);
        if (!ok)
            throw StudioError("--temperature must be a number, not \"" + parser.value("temperature").toStdString() +
                              "\".");
        predictor.setTemperature(temperature);
        if (const auto& data = predictor.meta().data; !data.isDigits()) {
            std::string classes;
            for (int c = 0; c < data.numClasses; ++c)
                classes += (c ? ", " : "") + std::to_string(c) + " " + data.className(c);
            std::printf("model trained on %s; classes: %s\n", data.describe().c_str(), classes.c_str());
        }
        int failures = 0, blank = 0;
        for (const auto& path : images) {
            try {
                const auto r = predictor.predict(readGray(path));
                if (parser.isSet("save-input")) {
                    QDir().mkpath(parser.value("save-input"));
                    ui::grayImage(r.input28.data, 28, 28, int(r.input28.step))
                        .save(QDir(parser.value("save-input"))
                                  .filePath(QFileInfo(path).completeBaseName() + "-28x28.png"));
                }
                if (r.empty) {
                    std::printf("%s: no ink found (nothing to classify)\n", qPrintable(path));
                    ++blank;
                    continue;
                }
                std::printf("%s: %s (p=%.4f) [", qPrintable(path), predictor.meta().data.className(r.predicted).c_str(),
                            r.probabilities[static_cast<std::size_t>(r.predicted)]);
                for (std::size_t c = 0; c < r.probabilities.size(); ++c)
                    std::printf("%s%.4f", c ? " " : "", r.probabilities[c]);
                std::printf("]\n");
            } catch (const StudioError& e) {
                std::fprintf(stderr, "error: %s\n", e.what());
                ++failures;
            }
        }
        return failures ? 1 : blank ? kExitNoInk : 0;
    });
}

} // namespace studio::cli
