#pragma once

namespace studio {

enum class Activation { ReLU, Sigmoid };

/// Architecture knobs the seeds vary.
struct ModelOptions {
    double dropout = -1.0; ///< < 0: the architecture's default
    Activation activation = Activation::ReLU;
    int numClasses = 10;
};

} // namespace studio
