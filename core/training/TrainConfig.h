#pragma once
#include "data/AugmentConfig.h"
#include "models/ModelOptions.h"

#include <QJsonObject>
#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace studio {

enum class OptimizerKind { Sgd, Adam, AdamW };
enum class SchedulerKind { Constant, Step, WarmupCosine, OneCycle };
enum class Monitor { ValLoss, ValAccuracy };
enum class Precision { Float32, BFloat16 };

/// Everything that defines a training run. Saved as JSON whose keys follow seed 000's
/// config.json where they overlap, so that file loads as is.
struct TrainConfig {
    std::string name; ///< optional run name
    std::string model = "simple-cnn";
    Activation activation = Activation::ReLU;
    double dropoutRate = -1.0; ///< < 0: the architecture's default
    std::int64_t batchSize = 128;
    double learningRate = 1e-3;
    double weightDecay = 0.0;
    double momentum = 0.9; ///< SGD only
    bool nesterov = false;
    double adamBeta1 = 0.9;   ///< Adam/AdamW: decay of the gradient average
    double adamBeta2 = 0.999; ///< Adam/AdamW: decay of the squared-gradient average
    /// > 0: keep an exponential moving average of the weights (training/WeightAverage); it is
    /// validated beside them every epoch, picks the best epoch and is the model the run's
    /// checkpoints offer.
    double emaDecay = 0.0;
    int numEpochs = 10;
    OptimizerKind optimizer = OptimizerKind::Adam;
    SchedulerKind scheduler = SchedulerKind::Constant;
    double warmupEpochs = 0.0; ///< warmup-cosine
    int stepSize = 7;          ///< step: epochs between decays
    double gamma = 0.1;        ///< step: decay factor
    double maxLr = 0.01;       ///< onecycle
    double pctStart = 0.3;
    double divFactor = 25.0;
    double finalDivFactor = 1e4;
    int earlyStoppingPatience = 0; ///< 0: off
    Monitor earlyStoppingMonitor = Monitor::ValLoss;
    double earlyStoppingMinDelta = 0.0;
    bool restoreBestWeights = true;
    std::uint64_t seed = 42;
    double valFraction = 0.1;
    AugmentConfig augment;
    std::int64_t limitTrain = 0; ///< use only the first N training images (0: all)
    std::int64_t limitTest = 0;
    int threads = 0; ///< torch intra-op threads (0: all cores)
    /// BFloat16: the training step's forward pass under LibTorch's autocast (training/MixedPrecision);
    /// weights, optimizer state, validation and evaluation stay float32.
    Precision precision = Precision::Float32;

    bool operator==(const TrainConfig&) const = default;
};

/// One config field: its JSON key (CLI flag: key with '-' for '_'), help, kind and valid range.
/// The JSON format, the CLI flags, validation and the studio's form all come from this table.
struct ConfigField {
    enum class Kind { Real, Integer, Boolean, Choice, Text };
    const char* key;
    const char* help;
    Kind kind;
    double min = 0, max = 0;          ///< inclusive range for Real/Integer
    std::vector<std::string> choices; ///< Choice: accepted spellings (first is canonical)
    QJsonValue (*get)(const TrainConfig&);
    void (*set)(TrainConfig&, const QJsonValue&);
};
const std::vector<ConfigField>& configFields();
const ConfigField* findConfigField(const std::string& key);

/// Sets one field from text (CLI flag, form); throws StudioError naming the field.
void setConfigField(TrainConfig& config, const ConfigField& field, const QString& text);

/// JSON (flat object, every field).
QJsonObject configToJson(const TrainConfig& config);
/// Reads the fields present in `json` over the defaults, accepting seed spellings ("SGD",
/// "CosineAnnealingLR", "MNISTResNet"). Unknown keys are listed in `ignored` (except a run's
/// "dataset", "versions" and "world" records). Throws StudioError
/// naming a field whose value has the wrong type or an unknown choice. Does not validate ranges.
TrainConfig configFromJson(const QJsonObject& json, std::vector<std::string>* ignored = nullptr);

/// False when the field has no effect under the rest of the configuration (momentum with Adam,
/// onecycle's fields with another scheduler, aug_* with augmentation off, …), so a form can grey
/// it out. Unknown keys apply.
bool configFieldApplies(const TrainConfig& config, const std::string& key);

/// Every problem with the configuration, each naming its field; empty when valid.
std::vector<std::string> configProblems(const TrainConfig& config);
/// Throws StudioError listing configProblems() when there are any.
void validateConfig(const TrainConfig& config);

/// Loads and validates a JSON config file (throws StudioError naming the file and problem).
TrainConfig loadConfigFile(const QString& path, std::vector<std::string>* ignored = nullptr);
/// Writes the config atomically (QSaveFile), with `records` added beside the fields (a run's
/// config.json adds "dataset", "versions" and "world"; loading skips those keys without a warning).
void saveConfigFile(const QString& path, const TrainConfig& config, const QJsonObject& records = {});

std::string nameOf(OptimizerKind k);
std::string nameOf(SchedulerKind k);
std::string nameOf(Monitor m);
std::string nameOf(Activation a);

} // namespace studio
