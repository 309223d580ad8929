#include "evaluation/ClassificationReport.h"

namespace studio {

ClassificationReport classificationReport(const ConfusionMatrix& m)
{
    ClassificationReport r;
    const int c = m.numClasses();
    r.total = m.total();
    r.accuracy = r.total > 0 ? double(m.correct()) / double(r.total) : 0.0;
    int present = 0;
    for (int k = 0; k < c; ++k) {
        const auto tp = double(m.count(k, k));
        const auto predicted = double(m.columnTotal(k));
        const auto support = m.rowTotal(k);
        ClassScores s;
        s.support = support;
        s.precision = predicted > 0 ? tp / predicted : 0.0;
        s.recall = support > 0 ? tp / double(support) : 0.0;
        s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
        r.perClass.push_back(s);
        const bool occurs = support > 0 || predicted > 0;
        r.present.push_back(occurs);
        if (!occurs)
            continue;
        ++present;
        r.macro.precision += s.precision;
        r.macro.recall += s.recall;
        r.macro.f1 += s.f1;
        r.weighted.precision += s.precision * double(support);
        r.weighted.recall += s.recall * double(support);
        r.weighted.f1 += s.f1 * double(support);
    }
    if (present > 0) {
        r.macro.precision /= present;
        r.macro.recall /= present;
        r.macro.f1 /= present;
    }
    if (r.total > 0) {
        r.weighted.precision /= double(r.total);
        r.weighted.recall /= double(r.total);
        r.weighted.f1 /= double(r.total);
    }
    r.macro.support = r.weighted.support = r.total;
    return r;
}

} // namespace studio
