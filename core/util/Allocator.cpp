#include "util/Allocator.h"

#include <malloc.h>

namespace studio {

void keepFreedMemoryMapped()
{
    // Serve blocks up to 1 GiB from the heap (a batch of 1000 conv outputs is ~100 MB) and never
    // trim the heap top: memory freed after a batch is reused by the next one.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, -1);
    // Every thread allocates from that one heap. glibc would give other threads arenas of their
    // own, made of 64 MB heaps that it unmaps again as soon as they are empty (the two settings
    // above do not reach them): a training step needs several, so each step faulted its memory in
    // afresh on the Train page's thread.
    mallopt(M_ARENA_MAX, 1);
}

void returnFreedMemory()
{
    malloc_trim(0);
}

} // namespace studio
