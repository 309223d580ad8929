#include "training/CheckpointFile.h"

#include "util/KillPoint.h"
#include "util/StudioError.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

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
    torch::serialize::InputArchive outer;
    try {
        outer.load_from(path.toStdString());
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
