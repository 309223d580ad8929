#pragma once

namespace studio {

enum class Activation { ReLU, Sigmoid };

/// The architecture knobs a training config sets; the registry turns them into the model's own
/// options (MlpOptions, SimpleCnnOptions, …), whose defaults are the seeds'.
struct ModelOptions {
    double dropout = -1.0; ///< < 0: the architecture's default
    Activation activation = Activation::ReLU;
    int numClasses = 10;
};

} // namespace studio
