#include "util/Allocator.h"

#include <malloc.h>

namespace studio {

void keepFreedMemoryMapped()
{
    // Serve blocks up to 1 GiB from the heap (a batch of 1000 conv outputs is ~100 MB) and never
    // trim the heap top: memory freed after a batch is reused by the next one.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, -1);
}

} // namespace studio
