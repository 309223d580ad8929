// The table of TrainConfig fields: JSON keys, help, ranges, accessors.
#include "training/TrainConfig.h"

#include <QJsonValue>

namespace studio {
namespace {

using K = ConfigField::Kind;

template <typename E> E choiceIndex(const QJsonValue& v)
{
    return static_cast<E>(v.toInt());
}

} // namespace

#define REAL(member)                                                                                                   \
    [](const TrainConfig& c) { return QJsonValue(double(c.member)); },                                                 \
        [](TrainConfig& c, const QJsonValue& v) { c.member = v.toDouble(); }
#define INT(member, type)                                                                                              \
    [](const TrainConfig& c) { return QJsonValue(qint64(c.member)); },                                                 \
        [](TrainConfig& c, const QJsonValue& v) { c.member = static_cast<type>(v.toInteger()); }
#define BOOL(member)                                                                                                   \
    [](const TrainConfig& c) { return QJsonValue(c.member); },                                                         \
        [](TrainConfig& c, const QJsonValue& v) { c.member = v.toBool(); }
// Choice values travel as the index into `choices` (canonical spelling first).
#define CHOICE(member, type)                                                                                           \
    [](const TrainConfig& c) { return QJsonValue(int(c.member)); },                                                    \
        [](TrainConfig& c, const QJsonValue& v) { c.member = choiceIndex<type>(v); }

const std::vector<ConfigField>& configFields()
{
    static const std::vector<ConfigField> fields = {
        {"name",
         "Run name shown in the run list",
         K::Text,
         0,
         0,
         {},
         [](const TrainConfig& c) { return QJsonValue(QString::fromStdString(c.name)); },
         [](TrainConfig& c, const QJsonValue& v) { c.name = v.toString().toStdString(); }},
        {"model",
         "Architecture id",
         K::Text,
         0,
         0,
         {},
         [](const TrainConfig& c) { return QJsonValue(QString::fromStdString(c.model)); },
         [](TrainConfig& c, const QJsonValue& v) { c.model = v.toString().toStdString(); }},
        {"activation",
         "Hidden activation where the architecture offers a choice",
         K::Choice,
         0,
         0,
         {"relu", "sigmoid"},
         CHOICE(activation, Activation)},
        {"dropout_rate", "Dropout rate (-1: the architecture's default)", K::Real, -1, 0.95, {}, REAL(dropoutRate)},
        {"batch_size", "Images per mini-batch", K::Integer, 1, 65536, {}, INT(batchSize, std::int64_t)},
        {"learning_rate", "Base learning rate", K::Real, 1e-7, 10, {}, REAL(learningRate)},
        {"weight_decay", "L2 penalty (decoupled for AdamW)", K::Real, 0, 0.5, {}, REAL(weightDecay)},
        {"momentum", "SGD momentum", K::Real, 0, 0.999, {}, REAL(momentum)},
        {"nesterov", "Nesterov momentum (SGD)", K::Boolean, 0, 0, {}, BOOL(nesterov)},
        {"adam_beta1", "Adam: decay of the gradient average (beta1)", K::Real, 0, 0.9999, {}, REAL(adamBeta1)},
        {"adam_beta2", "Adam: decay of the squared-gradient average (beta2)", K::Real, 0, 0.99999, {}, REAL(adamBeta2)},
        {"ema_decay",
         "Decay of an exponential moving average of the weights, validated beside them and kept as the model (0: "
         "off)",
         K::Real,
         0,
         0.99999,
         {},
         REAL(emaDecay)},
        {"num_epochs", "Epochs to train", K::Integer, 1, 10000, {}, INT(numEpochs, int)},
        {"optimizer", "Optimizer", K::Choice, 0, 0, {"sgd", "adam", "adamw"}, CHOICE(optimizer, OptimizerKind)},
        {"scheduler",
         "Learning-rate schedule, stepped every batch",
         K::Choice,
         0,
         0,
         {"constant", "step", "warmup-cosine", "onecycle"},
         CHOICE(scheduler, SchedulerKind)},
        {"warmup_epochs", "warmup-cosine: epochs of linear warmup", K::Real, 0, 10000, {}, REAL(warmupEpochs)},
        {"step_size", "step: epochs between decays", K::Integer, 1, 10000, {}, INT(stepSize, int)},
        {"gamma", "step: decay factor", K::Real, 1e-6, 1, {}, REAL(gamma)},
        {"max_lr", "onecycle: peak learning rate", K::Real, 1e-7, 10, {}, REAL(maxLr)},
        {"pct_start", "onecycle: fraction of steps rising to max_lr", K::Real, 0.01, 0.99, {}, REAL(pctStart)},
        {"div_factor", "onecycle: initial lr = max_lr / div_factor", K::Real, 1, 1e6, {}, REAL(divFactor)},
        {"final_div_factor",
         "onecycle: final lr = initial lr / final_div_factor",
         K::Real,
         1,
         1e8,
         {},
         REAL(finalDivFactor)},
        {"early_stopping_patience",
         "Epochs without improvement before stopping (0: off)",
         K::Integer,
         0,
         10000,
         {},
         INT(earlyStoppingPatience, int)},
        {"early_stopping_monitor",
         "Metric early stopping watches",
         K::Choice,
         0,
         0,
         {"val_loss", "val_acc"},
         CHOICE(earlyStoppingMonitor, Monitor)},
        {"early_stopping_min_delta",
         "Smallest change that counts as an improvement",
         K::Real,
         0,
         100,
         {},
         REAL(earlyStoppingMinDelta)},
        {"restore_best_weights", "End with the best epoch's weights", K::Boolean, 0, 0, {}, BOOL(restoreBestWeights)},
        {"seed",
         "Random seed (init, split, shuffling, augmentation, dropout)",
         K::Integer,
         0,
         4294967295.0,
         {},
         INT(seed, std::uint64_t)},
        {"val_fraction", "Fraction of training images held out for validation", K::Real, 0, 0.9, {}, REAL(valFraction)},
        {"augmentation",
         "Random rotation/affine/erasing on training batches",
         K::Boolean,
         0,
         0,
         {},
         BOOL(augment.enabled)},
        {"aug_rotation", "Rotation range, ± degrees", K::Real, 0, 180, {}, REAL(augment.rotationDeg)},
        {"aug_translate", "Shift range, ± fraction of the image", K::Real, 0, 0.5, {}, REAL(augment.translate)},
        {"aug_scale_min", "Smallest scale factor", K::Real, 0.1, 3, {}, REAL(augment.scaleMin)},
        {"aug_scale_max", "Largest scale factor", K::Real, 0.1, 3, {}, REAL(augment.scaleMax)},
        {"aug_shear", "Shear range, ± degrees", K::Real, 0, 60, {}, REAL(augment.shearDeg)},
        {"aug_erase_p", "Probability of random erasing per image", K::Real, 0, 1, {}, REAL(augment.eraseProbability)},
        {"aug_erase_area_min",
         "Smallest erased fraction of the image",
         K::Real,
         0.001,
         0.9,
         {},
         REAL(augment.eraseAreaMin)},
        {"aug_erase_area_max",
         "Largest erased fraction of the image",
         K::Real,
         0.001,
         0.9,
         {},
         REAL(augment.eraseAreaMax)},
        {"limit_train",
         "Use only the first N training images (0: all)",
         K::Integer,
         0,
         1e9,
         {},
         INT(limitTrain, std::int64_t)},
        {"limit_test",
         "Use only the first N test images (0: all)",
         K::Integer,
         0,
         1e9,
         {},
         INT(limitTest, std::int64_t)},
        {"threads", "Torch threads for training (0: all cores)", K::Integer, 0, 256, {}, INT(threads, int)},
        {"precision",
         "Arithmetic of the training step: bfloat16 runs convolutions and matrix products in bfloat16 "
         "(weights, losses and evaluation stay float32; needs a CPU with AVX-512 BF16)",
         K::Choice,
         0,
         0,
         {"float32", "bfloat16"},
         CHOICE(precision, Precision)},
    };
    return fields;
}

#undef REAL
#undef INT
#undef BOOL
#undef CHOICE

} // namespace studio
