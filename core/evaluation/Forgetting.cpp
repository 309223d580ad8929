#include "evaluation/Forgetting.h"

#include "util/StudioError.h"

#include <QSaveFile>

namespace studio {

std::vector<ImageHistory> imageHistories(const std::vector<ReplayEpoch>& replay)
{
    if (replay.empty())
        return {};
    std::vector<ImageHistory> out(replay.front().scores.labels.size());
    std::vector<char> before(out.size(), 0);
    for (std::size_t t = 0; t < replay.size(); ++t) {
        const auto& scores = replay[t].scores;
        const auto predicted = scores.predicted();
        for (std::size_t i = 0; i < out.size(); ++i) {
            const bool correct = predicted[i] == scores.labels[i];
            auto& h = out[i];
            if (correct) {
                h.epochsCorrect += 1;
                if (t == 0 || !before[i])
                    h.learnedAt = replay[t].epoch;
            } else {
                h.learnedAt = 0;
                if (t > 0 && before[i])
                    h.forgettingEvents += 1;
            }
            before[i] = correct;
        }
    }
    return out;
}

QJsonObject forgettingSummary(const std::vector<ReplayEpoch>& replay, const std::vector<ImageHistory>& histories)
{
    qint64 never = 0, forgotten = 0, notLearned = 0;
    for (const auto& h : histories) {
        never += h.epochsCorrect > 0 && h.forgettingEvents == 0 && h.learnedAt > 0;
        forgotten += h.forgettingEvents > 0;
        notLearned += h.learnedAt == 0;
    }
    return {{"epochs_replayed", qint64(replay.size())},
            {"first_epoch", replay.empty() ? 0 : replay.front().epoch},
            {"last_epoch", replay.empty() ? 0 : replay.back().epoch},
            {"images", qint64(histories.size())},
            {"never_forgotten", never},
            {"forgotten_at_least_once", forgotten},
            {"not_learned", notLearned}};
}

void writeForgettingCsv(const QString& path, const std::vector<ReplayEpoch>& replay,
                        const std::vector<ImageHistory>& histories)
{
    QByteArray out = "index,label,learned_at,forgetting_events,epochs_correct,last_predicted\n";
    if (!replay.empty()) {
        const auto& last = replay.back().scores;
        const auto predicted = last.predicted();
        for (std::size_t i = 0; i < histories.size(); ++i) {
            const auto& h = histories[i];
            out += QByteArray::number(qulonglong(i)) + ',' + QByteArray::number(last.labels[i]) + ',' +
                   (h.learnedAt > 0 ? QByteArray::number(h.learnedAt) : QByteArray()) + ',' +
                   QByteArray::number(h.forgettingEvents) + ',' + QByteArray::number(h.epochsCorrect) + ',' +
                   QByteArray::number(predicted[i]) + '\n';
        }
    }
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(out) != out.size() || !f.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

} // namespace studio
