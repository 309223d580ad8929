// The fuzzing set-up's own check (STUDIO_FUZZ): a bug behind an IDX-like magic number and a
// 32-bit count that blind mutation practically never hits (one input in 2^56). libFuzzer finds it in
// seconds only if the coverage counters (Coverage.cpp) and the comparison callbacks reach it; the
// test fuzz_selftest expects the planted abort.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace {

bool planted(const std::uint8_t* data, std::size_t size)
{
    if (size < 8 || data[0] != 0 || data[1] != 0 || data[2] != 8 || data[3] != 3)
        return false;
    std::uint32_t count = 0;
    std::memcpy(&count, data + 4, 4);
    return count == 0x60ea0000u; // 60,000, big-endian, read little-endian
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (planted(data, size))
        std::abort();
    return 0;
}
