#pragma once

namespace studio {

/// Keeps freed memory in the process instead of returning it to the kernel after every batch.
/// Tensors of a few MB are otherwise served by fresh mmap pages and page-faulted in again on
/// every batch: measured on the 10k-image evaluation, 1.2 M page faults and half the wall time.
/// Threads other than main() allocate from the same heap: with arenas of their own, resnet
/// trained at 400 images/s on a thread of its own (the Train page's) against 800 on the main
/// thread, and evaluated 10k images in 5.8 s instead of 3.5 (bench_throughput, Zen 5, 2 threads).
/// Call once at the start of main(), before threads start.
void keepFreedMemoryMapped();

/// Gives the heap's free pages back to the kernel, which keepFreedMemoryMapped() otherwise keeps
/// for the next batch: for the end of a training run in a process that goes on (the studio).
void returnFreedMemory();

} // namespace studio
