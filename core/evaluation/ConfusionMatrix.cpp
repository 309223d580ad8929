#include "evaluation/ConfusionMatrix.h"

#include "util/StudioError.h"

#include <algorithm>
#include <string>

namespace studio {

ConfusionMatrix::ConfusionMatrix(int numClasses)
    : m_classes(numClasses), m_counts(std::size_t(numClasses) * std::size_t(numClasses), 0)
{
}

ConfusionMatrix ConfusionMatrix::from(const std::vector<int>& labels, const std::vector<int>& predicted, int numClasses)
{
    if (labels.size() != predicted.size())
        throw StudioError("Confusion matrix: " + std::to_string(labels.size()) + " labels but " +
                          std::to_string(predicted.size()) + " predictions.");
    ConfusionMatrix m(numClasses);
    for (std::size_t i = 0; i < labels.size(); ++i)
        m.add(labels[i], predicted[i]);
    return m;
}

void ConfusionMatrix::add(int t, int p)
{
    if (t < 0 || t >= m_classes || p < 0 || p >= m_classes)
        throw StudioError("Confusion matrix: class pair (" + std::to_string(t) + ", " + std::to_string(p) +
                          ") is outside 0.." + std::to_string(m_classes - 1) + ".");
    ++m_counts[std::size_t(t * m_classes + p)];
    ++m_total;
}

std::int64_t ConfusionMatrix::count(int t, int p) const
{
    return m_counts[std::size_t(t * m_classes + p)];
}

std::int64_t ConfusionMatrix::rowTotal(int t) const
{
    std::int64_t sum = 0;
    for (int p = 0; p < m_classes; ++p)
        sum += count(t, p);
    return sum;
}

std::int64_t ConfusionMatrix::columnTotal(int p) const
{
    std::int64_t sum = 0;
    for (int t = 0; t < m_classes; ++t)
        sum += count(t, p);
    return sum;
}

std::int64_t ConfusionMatrix::correct() const
{
    std::int64_t sum = 0;
    for (int k = 0; k < m_classes; ++k)
        sum += count(k, k);
    return sum;
}

double ConfusionMatrix::value(int t, int p, Normalization n) const
{
    const auto c = double(count(t, p));
    const double divisor = n == Normalization::ByTrue        ? double(rowTotal(t))
                           : n == Normalization::ByPredicted ? double(columnTotal(p))
                           : n == Normalization::All         ? double(m_total)
                                                             : 1.0;
    return divisor > 0 ? c / divisor : 0.0;
}

std::vector<ConfusionMatrix::Pair> ConfusionMatrix::mostConfused(int limit) const
{
    std::vector<Pair> pairs;
    for (int t = 0; t < m_classes; ++t)
        for (int p = 0; p < m_classes; ++p)
            if (t != p && count(t, p) > 0)
                pairs.push_back({t, p, count(t, p), value(t, p, Normalization::ByTrue)});
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) {
        return a.count != b.count ? a.count > b.count : a.rate > b.rate;
    });
    if (limit > 0 && int(pairs.size()) > limit)
        pairs.resize(std::size_t(limit));
    return pairs;
}

} // namespace studio
