// predict: classify image files with a checkpoint through the canvas preprocessing.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "DigitImage.h"

#include "data/ImageTensor.h"
#include "inference/CanvasPreprocessor.h"
#include "inference/OnnxModel.h"
#include "inference/Predictor.h"
#include "runs/RunStore.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QDir>
#include <QFileInfo>
#include <QImage>

#include <opencv2/core/mat.hpp>

#include <cmath>
#include <functional>
#include <memory>

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
    parser.addOption({"onnx", "Use this exported ONNX file instead (run by OpenCV's DNN module).", "FILE"});
    parser.addOption({"temperature", "Divide the logits by T before the softmax (the T `evaluate` fits).", "T", "1"});
    parser.addOption({"save-input", "Also save each 28×28 model input as PNG into DIR.", "DIR"});
    parser.addPositionalArgument("images", "Image files (PNG, JPG, …), dark-on-light or light-on-dark.", "IMAGE...");
    parseOrExit(parser, args, "Classify digit images with a trained model.");
    return guarded([&] {
        configureTorchThread(1);
        if (int(parser.isSet("checkpoint")) + int(parser.isSet("run")) + int(parser.isSet("onnx")) != 1)
            throw StudioError("predict needs one of --checkpoint FILE, --run ID or --onnx FILE.");
        const auto images = parser.positionalArguments();
        if (images.isEmpty())
            throw StudioError("predict needs at least one image file.");
        bool ok = false;
        const double temperature = parser.value("temperature").toDouble(&ok);
        if (!ok || !(temperature > 0) || !std::isfinite(temperature))
            throw StudioError("--temperature must be a positive number, not \"" +
                              parser.value("temperature").toStdString() + "\".");
        // One scorer either way: a checkpoint through LibTorch, or an exported file through OpenCV.
        std::unique_ptr<Predictor> predictor;
        std::unique_ptr<OnnxModel> onnx;
        std::function<std::vector<float>(const cv::Mat&)> probabilities;
        std::function<std::string(int)> className;
        std::string dataset;
        if (parser.isSet("onnx")) {
            onnx = std::make_unique<OnnxModel>(parser.value("onnx"));
            probabilities = [&](const cv::Mat& image) { return onnx->probabilities(image, temperature); };
            className = [&](int c) { return onnx->className(c); };
            const auto& meta = onnx->metadata();
            dataset = meta.count("dataset") ? meta.at("dataset") : "";
        } else {
            const auto checkpoint =
                parser.isSet("run")
                    ? QDir(RunStore(runsFolder(parser)).runDir(parseRunId(parser.value("run")))).filePath("best.pt")
                    : parser.value("checkpoint");
            predictor = std::make_unique<Predictor>(checkpoint);
            predictor->setTemperature(temperature);
            probabilities = [&](const cv::Mat& image) { return predictor->probabilities(image); };
            className = [&](int c) { return predictor->meta().data.className(c); };
            dataset = predictor->meta().data.describe();
        }
        bool printedClasses = false;
        int failures = 0, blank = 0;
        for (const auto& path : images) {
            try {
                const auto pre = CanvasPreprocessor::process(readGray(path));
                if (parser.isSet("save-input")) {
                    QDir().mkpath(parser.value("save-input"));
                    ui::grayImage(pre.image.data, 28, 28, int(pre.image.step))
                        .save(QDir(parser.value("save-input"))
                                  .filePath(QFileInfo(path).completeBaseName() + "-28x28.png"));
                }
                if (pre.empty) {
                    std::printf("%s: no ink found (nothing to classify)\n", qPrintable(path));
                    ++blank;
                    continue;
                }
                const auto p = probabilities(pre.image);
                if (!printedClasses) { // the garments' names, say, when the classes are not the digits
                    printedClasses = true;
                    std::string classes;
                    bool digits = true;
                    for (int c = 0; c < int(p.size()); ++c) {
                        classes += (c ? ", " : "") + std::to_string(c) + " " + className(c);
                        digits = digits && className(c) == std::to_string(c);
                    }
                    if (!digits)
                        std::printf("model trained on %s; classes: %s\n", dataset.c_str(), classes.c_str());
                }
                const auto predicted = int(std::max_element(p.begin(), p.end()) - p.begin());
                std::printf("%s: %s (p=%.4f) [", qPrintable(path), className(predicted).c_str(),
                            p[std::size_t(predicted)]);
                for (std::size_t c = 0; c < p.size(); ++c)
                    std::printf("%s%.4f", c ? " " : "", p[c]);
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
