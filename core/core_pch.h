// Precompiled header for torch-heavy targets (studio_core, tests, benches, apps).
#pragma once
#include <torch/torch.h>
