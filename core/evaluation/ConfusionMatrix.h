#pragma once
#include <cstdint>
#include <vector>

namespace studio {

/// Counts of (true class, predicted class) with the normalisations and rankings the studio shows.
class ConfusionMatrix {
public:
    enum class Normalization { None, ByTrue, ByPredicted, All };

    explicit ConfusionMatrix(int numClasses = 10);
    static ConfusionMatrix from(const std::vector<int>& labels, const std::vector<int>& predicted, int numClasses);

    void add(int trueClass, int predictedClass);
    int numClasses() const { return m_classes; }
    std::int64_t count(int trueClass, int predictedClass) const;
    std::int64_t rowTotal(int trueClass) const;         ///< support of the class
    std::int64_t columnTotal(int predictedClass) const; ///< how often it was predicted
    std::int64_t total() const { return m_total; }
    std::int64_t correct() const;

    /// count / row total (ByTrue: recall on the diagonal), / column total (ByPredicted: precision on
    /// the diagonal) or / total (All); 0 where the divisor is 0.
    double value(int trueClass, int predictedClass, Normalization normalization) const;

    struct Pair {
        int trueClass = 0, predictedClass = 0;
        std::int64_t count = 0;
        double rate = 0; ///< count / support of the true class
    };
    /// Off-diagonal cells with a count, most frequent first (ties: higher rate, then class order);
    /// at most `limit` (0: all).
    std::vector<Pair> mostConfused(int limit = 0) const;

private:
    int m_classes;
    std::vector<std::int64_t> m_counts;
    std::int64_t m_total = 0;
};

} // namespace studio
