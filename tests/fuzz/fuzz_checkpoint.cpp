// The checkpoint loader on any bytes: a model with finite weights, or a StudioError.
#include "FuzzInput.h"

#include "training/Checkpoint.h"
#include "util/StudioError.h"

#include <torch/torch.h>

extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    at::set_num_threads(1);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto path = studio::fuzz::writeInput(data, size, "input.pt");
    try {
        const auto loaded = studio::loadModelFromCheckpoint(path);
        for (const auto& p : loaded.model->parameters())
            if (!torch::isfinite(p).all().item<bool>())
                std::abort(); // refused by the loader's promise
    } catch (const studio::StudioError&) {
    }
    return 0;
}
