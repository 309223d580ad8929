#include "training/Presets.h"

namespace studio {
namespace {

/// Random rotation within ±degrees and nothing else (seeds 001 and 003).
AugmentConfig rotationOnly(double degrees)
{
    AugmentConfig a;
    a.enabled = true;
    a.rotationDeg = degrees;
    a.translate = 0.0;
    a.scaleMin = a.scaleMax = 1.0;
    a.shearDeg = 0.0;
    a.eraseProbability = 0.0;
    return a;
}

TrainConfig seed000()
{
    TrainConfig c;
    c.model = "resnet";
    c.optimizer = OptimizerKind::Sgd;
    c.learningRate = 0.1;
    c.momentum = 0.9;
    c.weightDecay = 1e-4;
    c.numEpochs = 30;
    c.scheduler = SchedulerKind::WarmupCosine;
    c.warmupEpochs = 3;
    c.dropoutRate = 0.25;
    c.earlyStoppingPatience = 10;
    c.earlyStoppingMonitor = Monitor::ValAccuracy;
    c.augment.enabled = true; // RandomRotation(10) + RandomAffine + RandomErasing defaults
    return c;
}

TrainConfig seed001()
{
    TrainConfig c;
    c.model = "deeper-cnn";
    c.optimizer = OptimizerKind::Adam;
    c.learningRate = 1e-3;
    c.numEpochs = 15;
    c.scheduler = SchedulerKind::Step;
    c.stepSize = 7;
    c.gamma = 0.1;
    c.earlyStoppingPatience = 3;
    c.augment = rotationOnly(10.0);
    return c;
}

TrainConfig seed002()
{
    TrainConfig c;
    c.model = "mlp";
    c.optimizer = OptimizerKind::Adam;
    c.learningRate = 1e-3;
    c.numEpochs = 15;
    return c;
}

TrainConfig seed003()
{
    TrainConfig c;
    c.model = "tiny-v3";
    c.optimizer = OptimizerKind::Sgd;
    c.momentum = 0.9;
    c.numEpochs = 15;
    c.scheduler = SchedulerKind::OneCycle;
    c.maxLr = 0.75;
    c.pctStart = 0.3;
    c.divFactor = 7.5;
    c.finalDivFactor = 7.5;
    c.learningRate = c.maxLr / c.divFactor;
    c.augment = rotationOnly(7.0); // RandomRotation((-7, 7))
    return c;
}

TrainConfig seed004()
{
    TrainConfig c;
    c.model = "simple-cnn";
    c.optimizer = OptimizerKind::Adam;
    c.learningRate = 1e-3;
    c.numEpochs = 20;
    c.earlyStoppingPatience = 3;
    c.earlyStoppingMonitor = Monitor::ValAccuracy;
    return c;
}

TrainConfig fast()
{
    TrainConfig c;
    c.model = "simple-cnn";
    c.optimizer = OptimizerKind::Adam;
    c.numEpochs = 2;
    c.batchSize = 128;
    c.scheduler = SchedulerKind::OneCycle;
    c.maxLr = 5e-3;
    c.pctStart = 0.25;
    c.divFactor = 10;
    c.finalDivFactor = 100;
    c.learningRate = c.maxLr / c.divFactor;
    c.valFraction = 0.05;
    return c;
}

/// train_mnist_fast's recipe on its net: one epoch of batch 256, Adam with betas (0.7, 0.9),
/// OneCycle to 0.01; no validation split (all 60,000 images train; the test set picks nothing).
TrainConfig speedrun()
{
    TrainConfig c;
    c.model = "fast-cnn";
    c.optimizer = OptimizerKind::Adam;
    c.adamBeta1 = 0.7;
    c.adamBeta2 = 0.9;
    c.numEpochs = 1;
    c.batchSize = 256;
    c.scheduler = SchedulerKind::OneCycle;
    c.maxLr = 0.01;
    c.pctStart = 0.3;
    c.divFactor = 25;
    c.finalDivFactor = 1e4;
    c.learningRate = c.maxLr / c.divFactor;
    c.valFraction = 0.0;
    return c;
}

/// Chris Deotte's Kaggle CNN with his augmentation (rotation 10°, shift 0.1, zoom 0.1), Adam on a
/// warm-up + cosine schedule instead of his 0.95ⁿ decay over 45 epochs, and a weight average
/// (EMA 0.999), which picks the best epoch on validation and is the model kept.
TrainConfig best()
{
    TrainConfig c;
    c.model = "kaggle-cnn";
    c.optimizer = OptimizerKind::Adam;
    c.learningRate = 2e-3;
    c.scheduler = SchedulerKind::WarmupCosine;
    c.warmupEpochs = 1;
    c.numEpochs = 28;
    c.batchSize = 128;
    c.emaDecay = 0.999;
    c.valFraction = 0.1;
    c.augment.enabled = true;
    c.augment.rotationDeg = 10;
    c.augment.translate = 0.1;
    c.augment.scaleMin = 0.9;
    c.augment.scaleMax = 1.1;
    c.augment.shearDeg = 0;
    c.augment.eraseProbability = 0;
    return c;
}

} // namespace

const std::vector<Preset>& presets()
{
    static const std::vector<Preset> all = {
        // Figures: test accuracy and wall time on the 2-core reference machine (README, Benchmarks).
        {"speedrun", "Fast CNN, 1 epoch, Adam (0.7, 0.9), OneCycle to 0.01, no validation: 99.0 % in 6 s", speedrun()},
        {"fast", "Simple CNN, Adam with OneCycle, 2 epochs: 99.13 % in 28 s (3 seeds)", fast()},
        {"best", "Kaggle CNN, augmentation, warmup + cosine, weight average, 28 epochs: 99.67 % in 19 min (3 seeds)",
         best()},
        {"seed000-resnet", "Residual CNN, SGD 0.1, warmup + cosine, augmentation, 30 epochs: 99.70 % (2 runs), 37 min",
         seed000()},
        {"seed001-deeper",
         "Deeper CNN, Adam with StepLR(7, 0.1), rotation, early stopping: 99.59 % (3 runs), 9 min (seed 001)",
         seed001()},
        {"seed002-mlp", "MLP with ReLU, Adam 1e-3, 15 epochs: 98.1 % in 41 s (3 seeds; seed 002)", seed002()},
        {"seed003-tiny", "Tiny CNN v3 (8,650 parameters), OneCycle to 0.75, rotation: 99.51 % in 5–7 min (3 seeds)",
         seed003()},
        {"seed004-simple", "Simple CNN, Adam 1e-3, early stopping (patience 3): 99.19 % in 2.5 min (3 seeds)",
         seed004()},
    };
    return all;
}

const Preset* findPreset(const std::string& id)
{
    for (const auto& p : presets())
        if (p.id == id)
            return &p;
    return nullptr;
}

} // namespace studio
