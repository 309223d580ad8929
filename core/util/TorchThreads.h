#pragma once

namespace studio {

/// Prepares the calling thread for torch work: at::init_num_threads() then an explicit intra-op
/// thread count. Every thread that runs torch ops calls this first (OpenMP thread counts are
/// per-thread state). threads <= 0 means "all cores". OpenBLAS, behind the linear layers, is kept
/// on the calling thread (see the .cpp).
void configureTorchThread(int threads);

} // namespace studio
