#include "training/CheckpointFile.h"

#include "util/KillPoint.h"
#include "util/LittleEndian.h"
#include "util/StudioError.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <set>
#include <vector>
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

struct ZipEntry {
    QByteArray name, content;
    std::uint32_t crc = 0;
};

/// A zip entry's content: stored (method 0) or deflated (8, LibTorch's code entries) into `stored`
/// bytes; nothing when the deflated data is damaged.
std::optional<QByteArray> entryContent(const char* data, qsizetype size, std::uint32_t method, qsizetype stored)
{
    if (method == 0)
        return QByteArray(data, size);
    QByteArray out(stored, Qt::Uninitialized);
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
    return out;
}

/// A LibTorch archive is a zip whose CRC-32s LibTorch does not check, and its TorchScript importer
/// crashes on some damaged archives (found by tests/fuzz/fuzz_checkpoint). The zip's directory and
/// every entry are read here, each entry's content checked against its CRC-32, no two entries may
/// share a name or bytes. Returns what is wrong, or "" with the entries in `entries`.
std::string readZip(const QByteArray& b, std::vector<ZipEntry>& entries)
{
    const qsizetype n = b.size();
    qsizetype eocd = -1; // end of central directory: 22 bytes + a comment of at most 65535
    for (qsizetype at = n - 22; at >= 0 && at >= n - 22 - 65535; --at)
        if (readLe32(b, at) == 0x06054b50) {
            eocd = at;
            break;
        }
    if (eocd < 0)
        return kNotZip;
    // One disk: its number and the directory's both 0, as many entries on it as in all (libFuzzer
    // zeroed the second count: nothing was checked and LibTorch, reading the first, crashed).
    const auto count = readLe16(b, eocd + 10);
    const qsizetype cdSize = readLe32(b, eocd + 12), cdOffset = readLe32(b, eocd + 16);
    if (readLe16(b, eocd + 4) != 0 || readLe16(b, eocd + 6) != 0 || readLe16(b, eocd + 8) != count || count == 0 ||
        count == 0xffff)
        return "its zip directory is damaged";
    if (cdOffset == 0xffffffff || cdOffset + cdSize > eocd)
        return "its zip directory is out of bounds";
    qsizetype at = cdOffset;
    std::set<QByteArray> names;
    std::vector<std::pair<qsizetype, qsizetype>> spans; // each entry's bytes, local header to data end
    for (std::uint32_t i = 0; i < count; ++i) {
        if (at + 46 > eocd || readLe32(b, at) != 0x02014b50)
            return "its zip directory is damaged";
        const auto method = readLe16(b, at + 10);
        const auto crc = readLe32(b, at + 16);
        const qsizetype size = readLe32(b, at + 20), stored = readLe32(b, at + 24);
        const qsizetype nameLength = readLe16(b, at + 28), skip = readLe16(b, at + 30) + readLe16(b, at + 32);
        const qsizetype local = readLe32(b, at + 42);
        if ((method != 0 && method != 8) || (method == 0 && size != stored) || stored > (qsizetype(1) << 30) ||
            at + 46 + nameLength + skip > eocd)
            return "its zip directory is damaged";
        const QByteArray name = b.mid(at + 46, nameLength);
        if (!names.insert(name).second)
            return "the zip entry " + name.toStdString() + " is listed twice";
        if (local + 30 > n || readLe32(b, local) != 0x04034b50 || qsizetype(readLe16(b, local + 26)) != nameLength ||
            b.mid(local + 30, nameLength) != name)
            return "the zip entry " + name.toStdString() + " is damaged";
        const qsizetype data = local + 30 + nameLength + readLe16(b, local + 28);
        if (data + size > cdOffset)
            return "the zip entry " + name.toStdString() + " is out of bounds";
        auto content = entryContent(b.constData() + data, size, method, stored);
        if (!content || crc32(0, reinterpret_cast<const Bytef*>(content->constData()), uInt(content->size())) != crc)
            return "the zip entry " + name.toStdString() + " does not match its CRC-32";
        entries.push_back({name, std::move(*content), crc});
        spans.emplace_back(local, data + size);
        at += 46 + nameLength + skip;
    }
    if (at != cdOffset + cdSize)
        return "its zip directory is damaged";
    std::sort(spans.begin(), spans.end());
    for (std::size_t i = 1; i < spans.size(); ++i)
        if (spans[i].first < spans[i - 1].second)
            return "two of its zip entries overlap";
    return {};
}

/// The entries as a plain zip (stored, no data descriptors, extra fields or comments), so LibTorch
/// reads exactly the content checked above, whatever else the file's headers, padding and
/// descriptors say.
QByteArray plainZip(const std::vector<ZipEntry>& entries)
{
    QByteArray zip, directory;
    for (const auto& e : entries) {
        const auto offset = std::uint32_t(zip.size());
        const auto size = std::uint32_t(e.content.size());
        for (QByteArray* header : {&zip, &directory}) {
            const bool central = header == &directory;
            appendLe32(*header, central ? 0x02014b50 : 0x04034b50);
            if (central)
                appendLe16(*header, 20);             // made by
            for (std::uint16_t v : {20, 0, 0, 0, 0}) // needed, flags, method, time, date
                appendLe16(*header, v);
            for (std::uint32_t v : {e.crc, size, size})
                appendLe32(*header, v);
            appendLe16(*header, std::uint16_t(e.name.size()));
            appendLe16(*header, 0); // extra field
            if (central) {
                for (std::uint16_t v : {0, 0, 0}) // comment, disk, internal attributes
                    appendLe16(*header, v);
                appendLe32(*header, 0); // external attributes
                appendLe32(*header, offset);
            }
            header->append(e.name);
        }
        zip.append(e.content);
    }
    const auto directoryOffset = std::uint32_t(zip.size());
    zip.append(directory);
    appendLe32(zip, 0x06054b50);
    const auto count = std::uint16_t(entries.size());                          // at most 0xfffe, as read
    for (std::uint16_t v : {std::uint16_t(0), std::uint16_t(0), count, count}) // disks; entries on this one, in all
        appendLe16(zip, v);
    appendLe32(zip, std::uint32_t(directory.size()));
    appendLe32(zip, directoryOffset);
    appendLe16(zip, 0); // comment
    return zip;
}

/// `bytes` as LibTorch may read them: checked and rewritten as a plain zip; throws StudioError naming
/// `path` when they are not a zip or damaged.
QByteArray checkedArchive(const QByteArray& bytes, const QString& path)
{
    std::vector<ZipEntry> entries;
    if (const auto problem = readZip(bytes, entries); problem == kNotZip)
        throw StudioError("Checkpoint " + path.toStdString() + " is not a checkpoint (" + problem + ").");
    else if (!problem.empty())
        damaged(path, problem);
    return plainZip(entries);
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
    const QByteArray bytes = checkedArchive(file.readAll(), path);
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
        const QByteArray inner = checkedArchive(QByteArray(bytes, qsizetype(size)), path);
        torch::serialize::InputArchive content;
        content.load_from(inner.constData(), std::size_t(inner.size()));
        return content;
    } catch (const StudioError&) {
        throw;
    } catch (const std::exception&) {
        damaged(path, "its entries cannot be read");
    }
}

} // namespace studio
