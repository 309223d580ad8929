#include "runs/Ablation.h"

#include "util/StudioError.h"

#include <QSaveFile>

namespace studio {

std::vector<std::string> builtInStudyIds()
{
    return {"residual", "augmentation", "activation"};
}

std::string builtInStudyPreset(const std::string& id)
{
    return id == "residual" ? "seed000-resnet" : id == "activation" ? "seed002-mlp" : "fast";
}

AblationStudy builtInStudy(const std::string& id, const TrainConfig& base)
{
    AblationStudy study;
    study.id = id;
    const auto variant = [&](const std::string& name, auto change) {
        AblationVariant v{name, base};
        change(v.config);
        v.config.name = id + ": " + name;
        validateConfig(v.config);
        study.variants.push_back(v);
    };
    if (id == "residual") {
        study.description = "Skip connections: the residual CNN against its plain twin (seed 000)";
        variant("resnet", [](TrainConfig& c) { c.model = "resnet"; });
        variant("plain-cnn", [](TrainConfig& c) { c.model = "plain-cnn"; });
    } else if (id == "augmentation") {
        study.description = "Training-time augmentation on against off";
        variant("augmentation on", [](TrainConfig& c) { c.augment.enabled = true; });
        variant("augmentation off", [](TrainConfig& c) { c.augment.enabled = false; });
    } else if (id == "activation") {
        study.description = "ReLU against Sigmoid in the MLP, epochs to 97 % validation accuracy (seed 002)";
        variant("relu", [](TrainConfig& c) {
            c.model = "mlp";
            c.activation = Activation::ReLU;
        });
        variant("sigmoid", [](TrainConfig& c) {
            c.model = "mlp";
            c.activation = Activation::Sigmoid;
        });
    } else {
        std::string known;
        for (const auto& k : builtInStudyIds())
            known += (known.empty() ? "" : ", ") + k;
        throw StudioError("Unknown study \"" + id + "\"; built-in studies: " + known + " (or --field with --values).");
    }
    return study;
}

AblationStudy customStudy(const TrainConfig& base, const std::string& field, const std::vector<std::string>& values)
{
    const auto* f = findConfigField(field);
    if (!f)
        throw StudioError("Unknown config field \"" + field + "\" for the study.");
    if (values.size() < 2)
        throw StudioError("A study of " + field + " needs at least two values.");
    AblationStudy study;
    study.id = "custom";
    study.description = "The effect of " + field;
    for (const auto& value : values) {
        AblationVariant v{field + "=" + value, base};
        setConfigField(v.config, *f, QString::fromStdString(value));
        v.config.name = v.name;
        validateConfig(v.config);
        study.variants.push_back(v);
    }
    return study;
}

int epochsToReach(const std::vector<EpochRecord>& history, double target)
{
    for (const auto& e : history)
        if (e.valAccuracy >= target)
            return e.epoch;
    return 0;
}

std::vector<AblationRow> ablationTable(const std::vector<std::string>& variants, const std::vector<RunRecord>& runs,
                                       const std::vector<std::vector<EpochRecord>>& histories, double target)
{
    std::vector<AblationRow> rows;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto& r = runs[i];
        AblationRow row;
        row.variant = i < variants.size() ? variants[i] : r.name.toStdString();
        row.runId = r.id;
        row.model = r.model.toStdString();
        row.parameters = r.parameters;
        row.bestValAccuracy = r.bestValAccuracy;
        row.testAccuracy = r.testAccuracy;
        row.epochsToTarget = epochsToReach(histories[i], target);
        row.epochs = r.epochsDone;
        row.seconds = r.seconds;
        if (!rows.empty() && row.testAccuracy >= 0 && rows.front().testAccuracy >= 0)
            row.testDifference = (row.testAccuracy - rows.front().testAccuracy) * 100;
        rows.push_back(row);
    }
    return rows;
}

void writeAblationCsv(const QString& path, const std::vector<AblationRow>& rows, double target)
{
    QByteArray out = "variant,run,model,params,best_val_acc,test_acc,epochs_to_" +
                     QByteArray::number(target * 100, 'g', 4) + "pct,epochs,seconds,test_diff_points\n";
    for (const auto& r : rows)
        out += '"' + QByteArray::fromStdString(r.variant) + "\"," + QByteArray::number(qint64(r.runId)) + ',' +
               QByteArray::fromStdString(r.model) + ',' + QByteArray::number(qint64(r.parameters)) + ',' +
               QByteArray::number(r.bestValAccuracy, 'f', 6) + ',' +
               (r.testAccuracy >= 0 ? QByteArray::number(r.testAccuracy, 'f', 6) : QByteArray()) + ',' +
               (r.epochsToTarget > 0 ? QByteArray::number(r.epochsToTarget) : QByteArray()) + ',' +
               QByteArray::number(r.epochs) + ',' + QByteArray::number(r.seconds, 'f', 1) + ',' +
               QByteArray::number(r.testDifference, 'f', 3) + '\n';
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(out) != out.size() || !f.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

} // namespace studio
