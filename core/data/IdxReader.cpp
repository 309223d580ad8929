#include "data/IdxReader.h"

#include "util/StudioError.h"

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <vector>

namespace studio {
namespace {

constexpr std::size_t kMaxDecompressed = std::size_t(1) << 31; // 2 GiB: far above any IDX set

[[noreturn]] void fail(const std::string& path, const std::string& problem)
{
    throw StudioError("Data file " + path + " " + problem + ".");
}

std::vector<std::uint8_t> readWholeFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        fail(path, "cannot be opened (missing or unreadable)");
    const auto size = static_cast<std::size_t>(in.tellg());
    std::vector<std::uint8_t> bytes(size);
    in.seekg(0);
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        fail(path, "could not be read");
    return bytes;
}

std::vector<std::uint8_t> gunzip(const std::string& path, const std::vector<std::uint8_t>& packed)
{
    z_stream zs{};
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        fail(path, "zlib could not be initialised");
    zs.next_in = const_cast<Bytef*>(packed.data());
    zs.avail_in = static_cast<uInt>(packed.size());
    std::vector<std::uint8_t> out(std::max<std::size_t>(packed.size() * 4, 1 << 16));
    std::size_t produced = 0;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        if (produced == out.size()) {
            if (out.size() >= kMaxDecompressed) {
                inflateEnd(&zs);
                fail(path, "decompresses to more than 2 GiB, which no IDX dataset needs");
            }
            out.resize(std::min(out.size() * 2, kMaxDecompressed));
        }
        zs.next_out = out.data() + produced;
        zs.avail_out = static_cast<uInt>(out.size() - produced);
        rc = inflate(&zs, Z_NO_FLUSH);
        produced = out.size() - zs.avail_out;
        if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
            inflateEnd(&zs);
            fail(path, "is a truncated gzip stream");
        }
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
            const std::string msg = zs.msg ? zs.msg : "unknown error";
            inflateEnd(&zs);
            fail(path, "is a corrupt gzip stream (" + msg + ")");
        }
    }
    inflateEnd(&zs);
    out.resize(produced);
    return out;
}

std::uint32_t bigEndian32(const std::uint8_t* p)
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

std::string hex(std::uint32_t v)
{
    std::ostringstream s;
    s << "0x" << std::hex;
    s.width(8);
    s.fill('0');
    s << v;
    return s.str();
}

/// Parses and validates the header; returns the dimensions. The payload must follow exactly.
std::vector<std::int64_t> parseIdx(const std::string& path, const std::vector<std::uint8_t>& bytes,
                                   std::uint32_t expectedMagic, const char* kind)
{
    if (bytes.size() < 4)
        fail(path, "is truncated: " + std::to_string(bytes.size()) + " bytes, too short for an IDX header");
    const std::uint32_t magic = bigEndian32(bytes.data());
    if (bytes[0] != 0 || bytes[1] != 0)
        fail(path, "has wrong magic " + hex(magic) + " (not an IDX file; expected " + hex(expectedMagic) + ")");
    if (bytes[2] != 0x08)
        fail(path, "has unsupported element type 0x" + hex(bytes[2]).substr(8) +
                       " (only unsigned bytes, type 0x08, are supported)");
    if (magic != expectedMagic)
        fail(path, "has wrong magic " + hex(magic) + ": expected " + hex(expectedMagic) + " for " + kind);
    const std::size_t ndims = bytes[3];
    const std::size_t header = 4 + 4 * ndims;
    if (bytes.size() < header)
        fail(path, "is truncated inside its header");
    std::vector<std::int64_t> dims(ndims);
    std::size_t payload = 1;
    for (std::size_t i = 0; i < ndims; ++i) {
        dims[i] = bigEndian32(bytes.data() + 4 + 4 * i);
        if (__builtin_mul_overflow(payload, static_cast<std::size_t>(dims[i]), &payload) ||
            payload > std::numeric_limits<std::size_t>::max() - header)
            fail(path, "declares dimensions whose product overflows");
    }
    const std::size_t expected = header + payload;
    if (bytes.size() < expected)
        fail(path, "is truncated: the header declares " + std::to_string(payload) + " data bytes but only " +
                       std::to_string(bytes.size() - header) + " follow");
    if (bytes.size() > expected)
        fail(path,
             "is oversized: " + std::to_string(bytes.size() - expected) + " bytes follow the data the header declares");
    return dims;
}

std::vector<std::uint8_t> loadBytes(const std::string& path)
{
    auto bytes = readWholeFile(path);
    if (bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
        return gunzip(path, bytes);
    return bytes;
}

} // namespace

torch::Tensor readIdxImages(const std::string& path)
{
    auto bytes = loadBytes(path);
    const auto dims = parseIdx(path, bytes, kIdxImagesMagic, "an image file (N×28×28)");
    if (dims.size() != 3)
        fail(path, "has " + std::to_string(dims.size()) + " dimensions; images need 3 (N×28×28)");
    if (dims[1] != 28 || dims[2] != 28)
        fail(path, "holds " + std::to_string(dims[1]) + "×" + std::to_string(dims[2]) + " images; expected 28×28");
    if (dims[0] == 0) // found by libFuzzer: memcpy into an empty tensor's null data
        fail(path, "declares no images");
    auto t = torch::empty({dims[0], 28, 28}, torch::kUInt8);
    std::memcpy(t.data_ptr<std::uint8_t>(), bytes.data() + 16, static_cast<std::size_t>(t.numel()));
    return t;
}

torch::Tensor readIdxLabels(const std::string& path, int numClasses)
{
    auto bytes = loadBytes(path);
    const auto dims = parseIdx(path, bytes, kIdxLabelsMagic, "a label file (N)");
    if (dims.size() != 1)
        fail(path, "has " + std::to_string(dims.size()) + " dimensions; labels need 1");
    if (dims[0] == 0)
        fail(path, "declares no labels");
    auto t = torch::empty({dims[0]}, torch::kInt64);
    auto* out = t.data_ptr<std::int64_t>();
    const std::uint8_t* in = bytes.data() + 8;
    for (std::int64_t i = 0; i < dims[0]; ++i) {
        if (in[i] >= numClasses)
            fail(path, "has label " + std::to_string(in[i]) + " at index " + std::to_string(i) + ", outside 0.." +
                           std::to_string(numClasses - 1));
        out[i] = in[i];
    }
    return t;
}

void writeIdx(const std::string& path, const torch::Tensor& data)
{
    const auto t = data.to(torch::kUInt8).contiguous();
    if (t.dim() != 1 && t.dim() != 3)
        throw StudioError("writeIdx: expected 1 or 3 dimensions, got " + std::to_string(t.dim()));
    std::vector<std::uint8_t> bytes = {0, 0, 0x08, static_cast<std::uint8_t>(t.dim())};
    for (auto d : t.sizes())
        for (int shift = 24; shift >= 0; shift -= 8)
            bytes.push_back(static_cast<std::uint8_t>((static_cast<std::uint32_t>(d) >> shift) & 0xff));
    const auto* p = t.data_ptr<std::uint8_t>();
    bytes.insert(bytes.end(), p, p + t.numel());
    const bool gz = path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
    if (gz) {
        gzFile f = gzopen(path.c_str(), "wb");
        if (!f || gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size())) != static_cast<int>(bytes.size())) {
            if (f)
                gzclose(f);
            throw StudioError("Could not write " + path + ".");
        }
        gzclose(f);
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out)
        throw StudioError("Could not write " + path + ".");
}

} // namespace studio
