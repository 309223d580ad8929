#pragma once
#include "evaluation/Evaluation.h"
#include "evaluation/Forgetting.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <vector>

namespace studio {
struct Dataset;
struct DataSearch;
struct LoadedModel;
} // namespace studio

namespace studio::ui {

/// A checkpoint analysed on one split: everything the Analyze page shows.
struct Analysis {
    QString checkpoint;
    QString model;
    int epoch = 0;
    QString data;           ///< the dataset scored: the one the model was trained on ("MNIST e7f21c4f81b7")
    QStringList classNames; ///< as that data names its classes ("0"…"9", "T-shirt/top"…)
    QString className(int k) const { return classNames.value(k, QString::number(k)); }
    Evaluation evaluation;
    std::vector<ImageScore> images;   ///< every image of the split, in split order
    std::vector<std::uint8_t> pixels; ///< the split's images, N×28×28

    /// The validation split as the run's model saw it at the end of an epoch (epoch replay).
    struct Snapshot {
        int epoch = 0;
        Evaluation evaluation;
        std::vector<ImageScore> images;
    };
    /// For the validation split of a run that kept an epoch replay: every epoch kept, in order,
    /// and each image's history over them; empty otherwise.
    std::vector<Snapshot> replay;
    std::vector<ImageHistory> histories;
    QString replayProblem;  ///< why a replay the run has is not offered ("" when fine)
    int shownSnapshot = -1; ///< the replayed epoch on show (−1: the checkpoint's scores); AnalysisService::showEpoch
    const Evaluation& shownEvaluation() const
    {
        return shownSnapshot < 0 ? evaluation : replay[std::size_t(shownSnapshot)].evaluation;
    }
    const std::vector<ImageScore>& shownImages() const
    {
        return shownSnapshot < 0 ? images : replay[std::size_t(shownSnapshot)].images;
    }

    /// The weights scored, kept for explanations: Grad-CAM explains exactly these even when the
    /// file has since changed (latest.pt of a run still training) or gone. Used on torchPool() only.
    std::shared_ptr<LoadedModel> loaded;
    QImage image(std::int64_t index) const; ///< 28×28 grayscale
};

/// Grad-CAM (or saliency) of one image, as the page overlays it.
struct HeatMap {
    std::int64_t index = -1;
    int targetClass = 0;
    QString method;
    std::vector<float> heat; ///< 28×28 in [0, 1]
};

/// Runs evaluations and explanations off the UI thread (the core engine on torchPool()).
class AnalysisService : public QObject {
    Q_OBJECT
public:
    explicit AnalysisService(QObject* parent = nullptr);
    ~AnalysisService() override;

    /// Scores `checkpoint` on `split` ("test" or "validation") of the data it was trained on, found
    /// through `search` (findDataset); ready() or failed() (naming the data and where it looked).
    void analyse(const QString& checkpoint, const DataSearch& search, const QString& split);
    /// Explains image `index` of the last analysis for `targetClass`; explained() follows.
    void explain(std::int64_t index, int targetClass);
    /// Shows replayed epoch `snapshot` of the current analysis (an index into its replay; −1: the
    /// checkpoint's own scores).
    void showEpoch(int snapshot);
    bool isBusy() const { return m_busy; }
    const Analysis* current() const { return m_current.get(); }
    std::shared_ptr<const Analysis> shared() const { return m_current; }

Q_SIGNALS:
    void ready(const studio::ui::Analysis* analysis);
    void failed(const QString& message);
    void explained(const studio::ui::HeatMap& map);

private:
    struct Job;
    std::shared_ptr<Analysis> m_current;
    std::shared_ptr<const Dataset> m_lastData; ///< the data last scored, kept so the next analysis need not reload it
    bool m_busy = false;
};

} // namespace studio::ui

Q_DECLARE_METATYPE(studio::ui::HeatMap)
