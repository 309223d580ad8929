#include "training/CheckpointFile.h"

#include "util/KillPoint.h"
#include "util/StudioError.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <optional>
#include <cerrno>
#include <cstring>
#include <utility>

#include <zlib.h>

namespace studio {
namespace {

std::string sha256(const char* data, std::size_t size)
{
    return QCryptographicHash::hash(QByteArrayView(data, qsizetype(size)), QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

[[noreturn]] void damaged(const QString& path, const std::string& what)
{
    throw StudioError("Checkpoint " + path.toStdString() + " is damaged (" + what + ") and cannot be used.");
}

constexpr const char* kNotZip = "it is not a LibTorch archive";

std::uint32_t le32(const QByteArray& b, qsizetype at)
{
    const auto* p = reinterpret_cast<const unsigned char*>(b.constData()) + at;
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}
std::uint32_t le16(const QByteArray& b, qsizetype at)
{
    const auto* p = reinterpret_cast<const unsigned char*>(b.constData()) + at;
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8;
}

/// The CRC-32 of a zip entry's content: stored (method 0) or deflated (8, LibTorch's code
/// entries) into `stored` bytes; a value no CRC has when the deflated data is damaged.
std::optional<std::uint32_t> entryCrc(const char* data, qsizetype size, std::uint32_t method, qsizetype stored)
{
    if (method == 0)
        return std::uint32_t(crc32(0, reinterpret_cast<const Bytef*>(data), uInt(size)));
    std::string out(std::size_t(stored), '\0');
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return std::nullopt;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
    z.avail_in = uInt(size);
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    const int rc = inflate(&z, Z_FINISH);
    const bool whole = rc == Z_STREAM_END && z.total_out == uLong(stored);
    inflateEnd(&z);
    if (!whole)
        return std::nullopt;
    return std::uint32_t(crc32(0, reinterpret_cast<const Bytef*>(out.data()), uInt(out.size())));
}

/// A LibTorch archive is a zip of stored entries whose CRC-32s LibTorch does not check, and its
/// TorchScript importer crashes on some damaged entries (found by tests/fuzz/fuzz_checkpoint): the
/// zip's structure and every entry's CRC-32 are checked here before LibTorch reads a byte. Returns
/// what is wrong, or "".
std::string zipProblem(const QByteArray& b)
{
    const qsizetype n = b.size();
    qsizetype eocd = -1; // end of central directory: 22 bytes + a comment of at most 65535
    for (qsizetype at = n - 22; at >= 0 && at >= n - 22 - 65535; --at)
        if (le32(b, at) == 0x06054b50) {
            eocd = at;
            break;
        }
    if (eocd < 0)
        return kNotZip;
    const auto entries = le16(b, eocd + 10);
    const qsizetype cdSize = le32(b, eocd + 12), cdOffset = le32(b, eocd + 16);
    if (entries == 0xffff || cdOffset == 0xffffffff || cdOffset + cdSize > eocd)
        return "its zip directory is out of bounds";
    qsizetype at = cdOffset;
    for (std::uint32_t i = 0; i < entries; ++i) {
        if (at + 46 > eocd || le32(b, at) != 0x02014b50)
            return "its zip directory is damaged";
        const auto method = le16(b, at + 10);
        const auto crc = le32(b, at + 16);
        const qsizetype size = le32(b, at + 20), stored = le32(b, at + 24);
        const qsizetype nameLength = le16(b, at + 28), skip = le16(b, at + 30) + le16(b, at + 32);
        const qsizetype local = le32(b, at + 42);
        if ((method != 0 && method != 8) || (method == 0 && size != stored) || stored > (qsizetype(1) << 30) ||
            at + 46 + nameLength + skip > eocd)
            return "its zip directory is damaged";
        const QByteArray name = b.mid(at + 46, nameLength);
        if (local + 30 > n || le32(b, local) != 0x04034b50 || qsizetype(le16(b, local + 26)) != nameLength ||
            b.mid(local + 30, nameLength) != name)
            return "the zip entry " + name.toStdString() + " is damaged";
        const qsizetype data = local + 30 + nameLength + le16(b, local + 28);
        if (data + size > cdOffset)
            return "the zip entry " + name.toStdString() + " is out of bounds";
        if (entryCrc(b.constData() + data, size, method, stored) != crc)
            return "the zip entry " + name.toStdString() + " does not match its CRC-32";
        at += 46 + nameLength + skip;
    }
    return {};
}

} // namespace

void writeCheckpointFile(torch::serialize::OutputArchive& content, const std::string& meta, const QString& file,
                         const QString& shownAs)
{
    std::string payload;
    content.save_to([&](const void* data, std::size_t size) -> std::size_t {
        payload.append(static_cast<const char*>(data), size);
        return size;
    });
    torch::serialize::OutputArchive outer;
    outer.write("meta", c10::IValue(meta));
    outer.write("sha256", c10::IValue(sha256(payload.data(), payload.size())));
    outer.write("payload", torch::from_blob(payload.data(), {std::int64_t(payload.size())}, torch::kUInt8));

    QSaveFile out(file);
    const auto fail = [&](const QString& reason) {
        const bool kept = QFileInfo::exists(shownAs);
        throw StudioError("Cannot write checkpoint " + shownAs.toStdString() + ": " + reason.toStdString() +
                          (kept ? " (the previous one is kept)." : "."));
    };
    // Unbuffered: a failed write sets errno (ENOSPC, EFBIG, EIO), which is the reason to report.
    if (!out.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        fail(out.errorString());
    QString writeError;
    bool first = true;
    outer.save_to([&](const void* data, std::size_t size) -> std::size_t {
        errno = 0;
        if (writeError.isEmpty() &&
            out.write(static_cast<const char*>(data), static_cast<qint64>(size)) != static_cast<qint64>(size))
            writeError = errno ? QString::fromLocal8Bit(std::strerror(errno)) : out.errorString();
        if (std::exchange(first, false))
            killPoint("checkpoint-write");
        return size;
    });
    if (!writeError.isEmpty() || !out.commit()) {
        const QString reason = writeError.isEmpty() ? out.errorString() : writeError; // before cancelWriting()
        out.cancelWriting();
        fail(reason);
    }
}

torch::serialize::InputArchive openCheckpointFile(const QString& path)
{
    if (!QFileInfo::exists(path))
        throw StudioError("Checkpoint " + path.toStdString() + " does not exist.");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw StudioError("Checkpoint " + path.toStdString() + " cannot be read: " + file.errorString().toStdString() +
                          ".");
    const QByteArray bytes = file.readAll();
    if (const auto problem = zipProblem(bytes); problem == kNotZip)
        throw StudioError("Checkpoint " + path.toStdString() + " is not a checkpoint (" + problem + ").");
    else if (!problem.empty())
        damaged(path, problem);
    torch::serialize::InputArchive outer;
    try {
        outer.load_from(bytes.constData(), std::size_t(bytes.size()));
    } catch (const std::exception&) {
        throw StudioError("Checkpoint " + path.toStdString() +
                          " is damaged or not a checkpoint: it cannot be read as a LibTorch archive.");
    }
    try {
        const auto keys = outer.keys();
        if (std::find(keys.begin(), keys.end(), "payload") == keys.end()) {
            // Format ≤ 2 (before checksums): accepted when its meta says so.
            c10::IValue meta;
            if (outer.try_read("meta", meta) && meta.isString()) {
                const auto o = QJsonDocument::fromJson(QByteArray::fromStdString(meta.toStringRef())).object();
                if (o.value("version").toInt() >= 3)
                    damaged(path, "its checksummed content is missing");
            }
            return outer;
        }
        c10::IValue expected;
        torch::Tensor payload;
        if (!outer.try_read("sha256", expected) || !expected.isString() || !outer.try_read("payload", payload) ||
            payload.scalar_type() != torch::kUInt8 || payload.dim() != 1)
            damaged(path, "its checksum or content entry is unreadable");
        payload = payload.contiguous();
        const auto* bytes = static_cast<const char*>(payload.data_ptr());
        const auto size = std::size_t(payload.numel());
        if (sha256(bytes, size) != expected.toStringRef())
            damaged(path, "its content does not match its SHA-256 checksum");
        torch::serialize::InputArchive content;
        content.load_from(bytes, size);
        return content;
    } catch (const StudioError&) {
        throw;
    } catch (const std::exception&) {
        damaged(path, "its entries cannot be read");
    }
}

} // namespace studio
