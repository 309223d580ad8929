// export: a run's checkpoint as an ONNX file other runtimes can load.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "inference/OnnxExport.h"
#include "runs/RunExport.h"
#include "util/StudioError.h"
#include "util/TorchThreads.h"

#include <QFileInfo>

namespace studio::cli {

int exportCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addRunsOption(parser);
    parser.addOption({"run", "Export this run's checkpoint (see --which).", "ID"});
    parser.addOption({"which", "best (default) or latest checkpoint of --run.", "KIND", "best"});
    parser.addOption({"checkpoint", "Export this checkpoint file instead of a run's.", "FILE"});
    parser.addOption({"format", "onnx (the one format; opset 13).", "FORMAT", "onnx"});
    parser.addOption({"out", "The file to write, e.g. model.onnx.", "FILE"});
    parseOrExit(parser, args,
                "Export a trained model as ONNX: input \"pixels\" N×1×28×28 floats in [0, 1] (light on dark; "
                "the graph normalises them), output \"logits\". The architecture, normalisation, class names, "
                "dataset fingerprint and config are in the file's metadata_props. Check it with "
                "`mnist-studio-cli predict --onnx FILE IMAGE`.");
    return guarded([&] {
        configureTorchThread(1);
        if (parser.value("format") != "onnx")
            throw StudioError("--format " + parser.value("format").toStdString() +
                              " is not one MNIST Studio exports; the format is onnx.");
        if (!parser.isSet("out"))
            throw StudioError("export needs --out FILE (e.g. --out model.onnx).");
        if (parser.isSet("run") == parser.isSet("checkpoint"))
            throw StudioError("export needs --run ID or --checkpoint FILE (one of them).");
        QString checkpoint = parser.value("checkpoint");
        std::vector<std::pair<std::string, std::string>> extra;
        if (parser.isSet("run")) {
            const auto runId = parseRunId(parser.value("run"));
            RunStore store(runsFolder(parser));
            const auto run = store.run(runId);
            if (!run)
                throw StudioError("No run " + std::to_string(runId) + " in " + store.location().toStdString() + ".");
            checkpoint = store.checkpoint(runId, parser.value("which"));
            extra = modelMetadata(*run, parser.value("which"));
        }
        const auto loaded = loadModelFromCheckpoint(checkpoint);
        const auto out = parser.value("out");
        const auto written = exportOnnx(loaded, out, extra);
        std::printf("wrote %s: %s\n", qPrintable(QFileInfo(out).absoluteFilePath()), written.describe().c_str());
        std::printf("check it: mnist-studio-cli predict --onnx %s IMAGE...\n", qPrintable(out));
        return 0;
    });
}

} // namespace studio::cli
