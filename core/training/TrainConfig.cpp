#include "training/TrainConfig.h"

#include "models/ModelRegistry.h"
#include "util/StudioError.h"

#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>
#include <cmath>
#include <map>

namespace studio {
namespace {

using K = ConfigField::Kind;

std::string lower(std::string s)
{
    for (auto& ch : s)
        ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

/// Seed spellings accepted on load, mapped to canonical choices/ids.
const std::map<std::string, std::string>& aliases()
{
    static const std::map<std::string, std::string> a = {
        {"cosineannealinglr", "warmup-cosine"},
        {"cosine", "warmup-cosine"},
        {"warmup_cosine", "warmup-cosine"},
        {"steplr", "step"},
        {"onecyclelr", "onecycle"},
        {"one-cycle", "onecycle"},
        {"none", "constant"},
        {"val_accuracy", "val_acc"},
        {"mnistresnet", "resnet"},
        {"plaincnn", "plain-cnn"},
        {"simplecnn", "simple-cnn"},
        {"deepercnn", "deeper-cnn"},
        {"fp32", "float32"},
        {"bf16", "bfloat16"},
    };
    return a;
}

std::string canonical(const std::string& value)
{
    const auto l = lower(value);
    const auto it = aliases().find(l);
    return it == aliases().end() ? l : it->second;
}

int choiceIndexOf(const ConfigField& f, const std::string& value)
{
    const auto c = canonical(value);
    for (std::size_t i = 0; i < f.choices.size(); ++i)
        if (f.choices[i] == c)
            return static_cast<int>(i);
    std::string known;
    for (const auto& ch : f.choices)
        known += (known.empty() ? "" : ", ") + ch;
    throw StudioError(std::string(f.key) + " must be one of " + known + ", got \"" + value + "\".");
}

std::string formatNumber(double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

QJsonValue checkedValue(const ConfigField& f, const QJsonValue& v)
{
    const std::string key = f.key;
    switch (f.kind) {
    case K::Real:
        if (!v.isDouble())
            throw StudioError(key + " must be a number.");
        return v;
    case K::Integer: {
        const double d = v.toDouble();
        if (!v.isDouble() || std::floor(d) != d)
            throw StudioError(key + " must be a whole number.");
        // Out of its range and of what its field's type holds (it would wrap): refused now, not
        // stored wrapped (4294967297 epochs are not 1 epoch). In-type values are checked by validateConfig.
        if ((d < f.min || d > f.max) && (d < -2147483648.0 || d > std::max(f.max, 2147483647.0)))
            throw StudioError(key + " must be between " + formatNumber(f.min) + " and " + formatNumber(f.max) +
                              ", got " + formatNumber(d) + ".");
        return v;
    }
    case K::Boolean:
        if (!v.isBool())
            throw StudioError(key + " must be true or false.");
        return v;
    case K::Choice:
        if (!v.isString())
            throw StudioError(key + " must be a string.");
        return QJsonValue(choiceIndexOf(f, v.toString().toStdString()));
    case K::Text:
        if (!v.isString())
            throw StudioError(key + " must be a string.");
        if (key == "model")
            return QJsonValue(QString::fromStdString(canonical(v.toString().toStdString())));
        return v;
    }
    return v;
}

} // namespace

const ConfigField* findConfigField(const std::string& key)
{
    for (const auto& f : configFields())
        if (key == f.key)
            return &f;
    return nullptr;
}

void setConfigField(TrainConfig& config, const ConfigField& f, const QString& text)
{
    const std::string key = f.key;
    bool ok = true;
    QJsonValue v;
    switch (f.kind) {
    case K::Real:
        v = text.toDouble(&ok);
        break;
    case K::Integer: {
        const double d = text.toDouble(&ok);
        ok = ok && std::floor(d) == d;
        v = d;
        break;
    }
    case K::Boolean: {
        const auto t = text.toLower();
        ok = QStringList{"1", "true", "yes", "on", "0", "false", "no", "off"}.contains(t);
        v = t == "1" || t == "true" || t == "yes" || t == "on";
        break;
    }
    case K::Choice:
    case K::Text:
        v = text;
        break;
    }
    if (!ok)
        throw StudioError(key + ": \"" + text.toStdString() + "\" is not " +
                          (f.kind == K::Boolean   ? "true or false."
                           : f.kind == K::Integer ? "a whole number."
                                                  : "a number."));
    f.set(config, checkedValue(f, v));
}

QJsonObject configToJson(const TrainConfig& config)
{
    QJsonObject o;
    for (const auto& f : configFields()) {
        auto v = f.get(config);
        if (f.kind == K::Choice)
            v = QString::fromStdString(f.choices.at(static_cast<std::size_t>(v.toInt())));
        o.insert(QString::fromLatin1(f.key), v);
    }
    return o;
}

TrainConfig configFromJson(const QJsonObject& json, std::vector<std::string>* ignored)
{
    TrainConfig c;
    for (auto it = json.begin(); it != json.end(); ++it) {
        const auto key = it.key().toStdString();
        const auto* f = findConfigField(key);
        if (!f) {
            if (ignored && key != "dataset" && key != "versions" &&
                key != "world") // a run's config.json records: not config
                ignored->push_back(key);
            continue;
        }
        f->set(c, checkedValue(*f, it.value()));
    }
    return c;
}

bool configFieldApplies(const TrainConfig& c, const std::string& key)
{
    const auto startsWith = [&](const char* prefix) { return key.rfind(prefix, 0) == 0; };
    if (key == "momentum" || key == "nesterov")
        return c.optimizer == OptimizerKind::Sgd;
    if (key == "adam_beta1" || key == "adam_beta2")
        return c.optimizer != OptimizerKind::Sgd;
    if (key == "learning_rate")
        return c.scheduler != SchedulerKind::OneCycle;
    if (key == "warmup_epochs")
        return c.scheduler == SchedulerKind::WarmupCosine;
    if (key == "step_size" || key == "gamma")
        return c.scheduler == SchedulerKind::Step;
    if (key == "max_lr" || key == "pct_start" || key == "div_factor" || key == "final_div_factor")
        return c.scheduler == SchedulerKind::OneCycle;
    if (startsWith("early_stopping_") && key != "early_stopping_patience")
        return c.earlyStoppingPatience > 0;
    if (key == "restore_best_weights")
        return c.earlyStoppingPatience > 0;
    if (startsWith("aug_"))
        return c.augment.enabled;
    if (key == "activation") {
        const auto* info = findModel(c.model);
        return info && info->hasActivationChoice;
    }
    return true;
}

std::vector<std::string> configProblems(const TrainConfig& c)
{
    std::vector<std::string> problems;
    for (const auto& f : configFields()) {
        if (f.kind != K::Real && f.kind != K::Integer)
            continue;
        const double v = f.get(c).toDouble();
        if (!std::isfinite(v) || v < f.min || v > f.max)
            problems.push_back(std::string(f.key) + " must be between " + formatNumber(f.min) + " and " +
                               formatNumber(f.max) + ", got " + formatNumber(v) + ".");
    }
    const auto* model = findModel(c.model);
    if (!model)
        problems.push_back("model \"" + c.model + "\" is unknown; known: " + modelIdList() + ".");
    else if (c.activation != Activation::ReLU && !model->hasActivationChoice)
        problems.push_back("activation " + nameOf(c.activation) + ": " + c.model +
                           " has a fixed activation (ReLU); mlp, simple-cnn, tf-cnn and deeper-cnn offer a choice.");
    if (c.nesterov && (c.optimizer != OptimizerKind::Sgd || c.momentum <= 0))
        problems.push_back("nesterov needs optimizer sgd with momentum > 0.");
    if (c.scheduler == SchedulerKind::WarmupCosine && c.warmupEpochs >= c.numEpochs)
        problems.push_back("warmup_epochs (" + formatNumber(c.warmupEpochs) + ") must be less than num_epochs (" +
                           std::to_string(c.numEpochs) + ").");
    if (c.augment.scaleMin > c.augment.scaleMax)
        problems.push_back("aug_scale_min must not exceed aug_scale_max.");
    if (c.augment.eraseAreaMin > c.augment.eraseAreaMax)
        problems.push_back("aug_erase_area_min must not exceed aug_erase_area_max.");
    if (c.earlyStoppingPatience > 0 && c.valFraction <= 0)
        problems.push_back("early_stopping_patience needs a validation split: set val_fraction above 0.");
    if (c.dropoutRate < 0 && c.dropoutRate != -1)
        problems.push_back("dropout_rate must be between 0 and 0.95, or -1 for the architecture's default.");
    return problems;
}

void validateConfig(const TrainConfig& config)
{
    const auto problems = configProblems(config);
    if (problems.empty())
        return;
    std::string m = "Invalid configuration:";
    for (const auto& p : problems)
        m += "\n  " + p;
    throw StudioError(m);
}

TrainConfig loadConfigFile(const QString& path, std::vector<std::string>* ignored)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        throw StudioError("Config file " + path.toStdString() + " cannot be opened: " + f.errorString().toStdString() +
                          ".");
    QJsonParseError err;
    const auto doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        throw StudioError("Config file " + path.toStdString() + " is not a JSON object" +
                          (err.error != QJsonParseError::NoError ? " (" + err.errorString().toStdString() +
                                                                       " at offset " + std::to_string(err.offset) + ")"
                                                                 : "") +
                          ".");
    try {
        auto c = configFromJson(doc.object(), ignored);
        validateConfig(c);
        return c;
    } catch (const StudioError& e) {
        throw StudioError("Config file " + path.toStdString() + ": " + e.what());
    }
}

void saveConfigFile(const QString& path, const TrainConfig& config, const QJsonObject& records)
{
    auto json = configToJson(config);
    for (auto it = records.begin(); it != records.end(); ++it)
        json.insert(it.key(), it.value());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        throw StudioError("Cannot write config " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
    f.write(QJsonDocument(json).toJson(QJsonDocument::Indented));
    if (!f.commit())
        throw StudioError("Cannot write config " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

static std::string choiceName(const char* key, int index)
{
    return findConfigField(key)->choices.at(static_cast<std::size_t>(index));
}
std::string nameOf(OptimizerKind k)
{
    return choiceName("optimizer", static_cast<int>(k));
}
std::string nameOf(SchedulerKind k)
{
    return choiceName("scheduler", static_cast<int>(k));
}
std::string nameOf(Monitor m)
{
    return choiceName("early_stopping_monitor", static_cast<int>(m));
}
std::string nameOf(Activation a)
{
    return choiceName("activation", static_cast<int>(a));
}

} // namespace studio
