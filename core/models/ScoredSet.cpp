#include "models/ScoredSet.h"

#include "util/StudioError.h"

#include <QSaveFile>

#include <algorithm>
#include <cmath>

namespace studio {

std::vector<double> ScoredSet::probabilities(double temperature) const
{
    const auto c = std::size_t(numClasses);
    std::vector<double> out(labels.size() * c);
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const float* z = logits.data() + i * c;
        const double top = *std::max_element(z, z + c) / temperature;
        double sum = 0.0;
        for (std::size_t k = 0; k < c; ++k)
            sum += out[i * c + k] = std::exp(double(z[k]) / temperature - top);
        for (std::size_t k = 0; k < c; ++k)
            out[i * c + k] /= sum;
    }
    return out;
}

std::vector<int> ScoredSet::predicted() const
{
    const auto c = std::size_t(numClasses);
    std::vector<int> out(labels.size());
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const float* z = logits.data() + i * c;
        out[i] = int(std::max_element(z, z + c) - z);
    }
    return out;
}

std::vector<double> ScoredSet::classAccuracy() const
{
    std::vector<double> right(std::size_t(numClasses), 0.0), count(std::size_t(numClasses), 0.0);
    const auto pred = predicted();
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] < 0 || labels[i] >= numClasses)
            continue;
        count[std::size_t(labels[i])] += 1;
        right[std::size_t(labels[i])] += pred[i] == labels[i] ? 1 : 0;
    }
    for (std::size_t k = 0; k < right.size(); ++k)
        right[k] = count[k] > 0 ? right[k] / count[k] : std::nan("");
    return right;
}

void writePredictionsCsv(const QString& path, const ScoredSet& scores, double temperature)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
    const auto c = std::size_t(scores.numClasses);
    const auto probs = scores.probabilities(temperature);
    const auto predicted = scores.predicted();
    QByteArray out = "index,label,pred";
    for (std::size_t k = 0; k < c; ++k)
        out += ",p" + QByteArray::number(qulonglong(k));
    out += '\n';
    for (std::size_t i = 0; i < scores.labels.size(); ++i) {
        out += QByteArray::number(qulonglong(i)) + ',' + QByteArray::number(scores.labels[i]) + ',' +
               QByteArray::number(predicted[i]);
        for (std::size_t k = 0; k < c; ++k)
            out += ',' + QByteArray::number(probs[i * c + k], 'g', 6);
        out += '\n';
    }
    f.write(out);
    if (!f.commit())
        throw StudioError("Cannot write " + path.toStdString() + ": " + f.errorString().toStdString() + ".");
}

} // namespace studio
