#pragma once
// Little-endian integers appended to and read from byte arrays (the studio's binary files: epoch
// replays, the zip of a checkpoint).
#include <QByteArray>
#include <QtEndian>

#include <cstdint>

namespace studio {

inline void appendLe16(QByteArray& out, std::uint16_t v)
{
    char b[2];
    qToLittleEndian(v, b);
    out.append(b, 2);
}

inline void appendLe32(QByteArray& out, std::uint32_t v)
{
    char b[4];
    qToLittleEndian(v, b);
    out.append(b, 4);
}

/// The integer at `at`; the caller has checked that its bytes are inside `b`.
inline std::uint16_t readLe16(const QByteArray& b, qsizetype at)
{
    return qFromLittleEndian<std::uint16_t>(b.constData() + at);
}
inline std::uint32_t readLe32(const QByteArray& b, qsizetype at)
{
    return qFromLittleEndian<std::uint32_t>(b.constData() + at);
}

} // namespace studio
