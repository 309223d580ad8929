#include "util/TorchThreads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>

#include <thread>

namespace studio {
namespace {

/// LibTorch's linear layers call the system BLAS, here OpenBLAS (libopenblas0-pthread), which
/// keeps a thread pool of its own beside torch's OpenMP threads. Two pools on two cores fight:
/// a simple-cnn epoch took 31 s with OpenBLAS threaded and 25 s with it on the calling thread,
/// and 10k evaluations 1.4 s vs 1.05 s. Torch decides the parallelism; OpenBLAS runs serially.
/// Looked up at run time so that another BLAS behind libblas.so.3 is simply left alone.
void keepBlasSerial()
{
    using SetThreads = void (*)(int);
    static const auto setThreads = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    if (setThreads)
        setThreads(1);
}

} // namespace

void configureTorchThread(int threads)
{
    at::init_num_threads();
    keepBlasSerial();
    if (threads <= 0)
        threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    at::set_num_threads(threads);
}

} // namespace studio
