#include "util/TorchThreads.h"

#include <ATen/Parallel.h>

#include <thread>

namespace studio {

void configureTorchThread(int threads)
{
    at::init_num_threads();
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
}

} // namespace studio
