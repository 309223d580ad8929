#pragma once
#include "training/TrainConfig.h"

namespace studio {

/// Whether this CPU multiplies bfloat16 natively (AVX-512 BF16: AMD Zen 4 and later, Intel Cooper
/// Lake and Sapphire Rapids), where oneDNN's bfloat16 convolutions beat its float32 ones.
bool bfloat16Native();

/// Throws StudioError when this machine cannot train at `precision` (bfloat16 without AVX-512 BF16:
/// LibTorch would fall back to reference loops many times slower than float32).
void checkPrecision(Precision precision);

/// LibTorch's autocast over a training step's forward pass and loss when `precision` is BFloat16:
/// convolutions and matrix products take bfloat16 copies of their inputs and weights, losses and
/// softmax stay float32, the weights themselves (and so the optimizer and checkpoints) float32.
/// The backward pass runs after the scope, as torch.autocast's documentation asks. Casts of the
/// weights are cached for the scope and dropped when it ends (the optimizer changes them next).
class AutocastScope {
public:
    explicit AutocastScope(Precision precision);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

private:
    bool m_on;
    bool m_wasEnabled = false;
};

} // namespace studio
