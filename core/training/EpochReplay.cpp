#include "training/EpochReplay.h"

#include "util/LittleEndian.h"
#include "util/StudioError.h"

#include <c10/util/Half.h>

#include <QDir>
#include <QFile>
#include <QSaveFile>
#include <QtEndian>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace studio {
namespace {

constexpr char kMagic[8] = {'M', 'S', 'R', 'E', 'P', 'L', 'A', 'Y'};
constexpr quint32 kReplayVersion = 1;
constexpr int kHeaderBytes = 8 + 4 * 4; // magic, version, epoch, images, classes

QString fileOf(const QString& runDir, int epoch)
{
    return QDir(replayFolder(runDir)).filePath(QStringLiteral("epoch-%1.bin").arg(epoch, 4, 10, QChar('0')));
}

/// The epoch a replay file name stands for; 0 for any other name.
int epochOf(const QString& name)
{
    if (!name.startsWith("epoch-") || !name.endsWith(".bin"))
        return 0;
    bool ok = false;
    const int epoch = name.mid(6, name.size() - 10).toInt(&ok);
    return ok && epoch > 0 ? epoch : 0;
}

/// The next float16 above `h` (toward +infinity).
c10::Half nextUp(c10::Half h)
{
    const std::uint16_t bits = h.x;
    if (bits == 0x0000 || bits == 0x8000)
        return c10::Half(0x0001, c10::Half::from_bits());
    return c10::Half(std::uint16_t((bits & 0x8000) ? bits - 1 : bits + 1), c10::Half::from_bits());
}

std::size_t firstMax(const float* row, std::size_t n)
{
    return std::size_t(std::max_element(row, row + n) - row);
}

} // namespace

QString replayFolder(const QString& runDir)
{
    return QDir(runDir).filePath("replay");
}

void writeReplayEpoch(const QString& runDir, int epoch, const ScoredSet& scores)
{
    const auto c = std::size_t(scores.numClasses), n = scores.labels.size();
    if (scores.numClasses < 1 || scores.numClasses > 255 || scores.logits.size() != n * c)
        throw StudioError("A replay needs 1 to 255 classes and a row of scores per image.");
    QByteArray out;
    out.reserve(int(kHeaderBytes + n * (1 + 2 * c)));
    out.append(kMagic, sizeof kMagic);
    for (quint32 v : {kReplayVersion, quint32(epoch), quint32(n), quint32(c)})
        appendLe32(out, v);
    for (int label : scores.labels)
        out.append(char(std::uint8_t(label)));
    std::vector<float> logProbs(c), rounded(c);
    std::vector<c10::Half> halves(c);
    for (std::size_t i = 0; i < n; ++i) {
        const float* z = scores.logits.data() + i * c;
        const std::size_t predicted = firstMax(z, c);
        double sum = 0;
        for (std::size_t k = 0; k < c; ++k)
            sum += std::exp(double(z[k]) - double(z[predicted]));
        const double logSum = double(z[predicted]) + std::log(sum);
        for (std::size_t k = 0; k < c; ++k) {
            halves[k] = c10::Half(float(double(z[k]) - logSum));
            rounded[k] = float(halves[k]);
        }
        const std::size_t top = firstMax(rounded.data(), c);
        if (top != predicted) // rounding made a tie (or passed it): the model's class stays first
            halves[predicted] = nextUp(halves[top]);
        for (const auto& h : halves)
            appendLe16(out, h.x);
    }
    const QString path = fileOf(runDir, epoch);
    QDir().mkpath(replayFolder(runDir));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(out) != out.size() || !file.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + file.errorString().toStdString() + ".");
}

std::vector<ReplayEpoch> readReplay(const QString& runDir, int lastEpoch)
{
    std::vector<int> epochs;
    for (const auto& name : QDir(replayFolder(runDir)).entryList({"epoch-*.bin"}, QDir::Files)) {
        const int epoch = epochOf(name);
        if (epoch > 0 && epoch <= lastEpoch)
            epochs.push_back(epoch);
    }
    std::sort(epochs.begin(), epochs.end());
    std::vector<ReplayEpoch> replay;
    for (int epoch : epochs) {
        const QString path = fileOf(runDir, epoch);
        const auto damaged = [&](const std::string& why) {
            return StudioError("The epoch replay " + path.toStdString() + " is damaged: " + why + ".");
        };
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            throw StudioError("Cannot read " + path.toStdString() + ": " + file.errorString().toStdString() + ".");
        const QByteArray bytes = file.readAll();
        if (bytes.size() < kHeaderBytes || std::memcmp(bytes.constData(), kMagic, sizeof kMagic) != 0)
            throw damaged("not a replay file");
        const char* p = bytes.constData() + sizeof kMagic;
        const auto version = qFromLittleEndian<quint32>(p), stored = qFromLittleEndian<quint32>(p + 4);
        const auto n = std::size_t(qFromLittleEndian<quint32>(p + 8)),
                   c = std::size_t(qFromLittleEndian<quint32>(p + 12));
        if (version != kReplayVersion)
            throw damaged("version " + std::to_string(version) + ", this studio reads version " +
                          std::to_string(kReplayVersion));
        if (int(stored) != epoch || c < 1 || c > 255 || std::size_t(bytes.size()) != kHeaderBytes + n * (1 + 2 * c))
            throw damaged("its header does not match its name or size");
        ReplayEpoch e;
        e.epoch = epoch;
        e.scores.numClasses = int(c);
        const auto* labels = reinterpret_cast<const std::uint8_t*>(p + 16);
        e.scores.labels.assign(labels, labels + n);
        e.scores.logits.resize(n * c);
        const char* values = p + 16 + n;
        for (std::size_t k = 0; k < n * c; ++k)
            e.scores.logits[k] =
                float(c10::Half(qFromLittleEndian<std::uint16_t>(values + 2 * k), c10::Half::from_bits()));
        if (!replay.empty() && replay.front().scores.labels != e.scores.labels)
            throw damaged("it holds other images than epoch " + std::to_string(replay.front().epoch) + "'s file");
        replay.push_back(std::move(e));
    }
    return replay;
}

void dropReplayAfter(const QString& runDir, int epoch)
{
    QDir folder(replayFolder(runDir));
    for (const auto& name : folder.entryList({"epoch-*.bin"}, QDir::Files))
        if (epochOf(name) > epoch)
            folder.remove(name);
}

} // namespace studio
