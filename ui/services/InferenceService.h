#pragma once
#include <QImage>
#include <QMetaType>
#include <QObject>
#include <QPointF>
#include <QStringList>

#include "inference/Robustness.h"
#include "inference/WorstCase.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

class QThread;

namespace studio {
class Predictor;
struct EmbeddingMap;
} // namespace studio

namespace studio::ui {

/// A canvas drawing scored by the model.
struct CanvasScore {
    std::vector<float> probabilities; ///< one per class (empty when there is no ink)
    int predicted = -1;
    QImage input28; ///< what the model saw: 28×28 grayscale after the CLI's preprocessing
    bool empty = true;
    double milliseconds = 0; ///< preprocessing + forward pass
    /// With explaining on: Grad-CAM of the predicted class (saliency for the MLP) drawn back over
    /// the drawing, the drawing's size, ARGB; null otherwise.
    QImage overlay;
    QString method; ///< "grad-cam" or "saliency"
};

/// Live inference for the drawing canvas on a thread of its own (one torch thread): the newest
/// drawing submitted is scored, older pending ones are dropped, so the pointer never waits.
class InferenceService : public QObject {
    Q_OBJECT
public:
    explicit InferenceService(QObject* parent = nullptr);
    ~InferenceService() override;

    /// Loads a checkpoint in the background; modelLoaded() or failed() follows.
    void setCheckpoint(const QString& path);
    /// Scores `gray` (any size, either polarity) when the worker is free; scored() follows.
    void score(const QImage& gray);
    /// Also explain each scored drawing (a backward pass more per drawing).
    void setExplaining(bool on) { m_explaining = on; }
    /// Also sweep each scored drawing over every perturbation (one batched forward more); swept()
    /// follows scored().
    void setSweeping(bool on) { m_sweeping = on; }
    /// The embedding map (made with `checkpoint`'s model) drawings are placed on while placing is
    /// on: placed() follows scored() while that checkpoint is the one loaded. Null: no map.
    void setMap(std::shared_ptr<const EmbeddingMap> map, const QString& checkpoint);
    /// Also place each scored drawing on the map (a forward pass more per drawing).
    void setPlacing(bool on) { m_placing = on; }
    /// Searches the smallest combined change that flips the last scored drawing; worstCase() follows.
    void findWorstCase();

Q_SIGNALS:
    /// `classNames`: the model's classes as its training data names them ("0"…"9" for digits).
    void modelLoaded(const QString& checkpoint, const QString& description, const QStringList& classNames);
    void failed(const QString& message);
    void scored(const studio::ui::CanvasScore& score);
    /// `input28`: the image swept (the one the model saw).
    void swept(const studio::RobustnessSweep& sweep, const QImage& input28);
    void worstCase(const studio::WorstCase& result);
    /// Where the last drawing falls on the map (map coordinates, y up), or nothing (no ink, no map
    /// or a map of another model).
    void placed(std::optional<QPointF> at);

private:
    void runPending();

    QThread* m_thread;
    QObject* m_context;                     ///< lives on m_thread; work is posted to it
    std::unique_ptr<Predictor> m_predictor; ///< used on m_thread only
    std::atomic<bool> m_explaining = false;
    std::atomic<bool> m_sweeping = false;
    std::atomic<bool> m_placing = false;
    void place(); ///< emits placed() for m_lastInput (m_thread only)

    std::shared_ptr<const EmbeddingMap> m_map; ///< m_thread only, as the two below
    QString m_mapCheckpoint, m_checkpoint;
    cv::Mat m_lastInput; ///< the last scored drawing as the model saw it (m_thread only; empty: none)
    std::mutex m_mutex;
    QImage m_pending;
    bool m_scheduled = false;
};

} // namespace studio::ui

Q_DECLARE_METATYPE(studio::ui::CanvasScore)
Q_DECLARE_METATYPE(studio::RobustnessSweep)
Q_DECLARE_METATYPE(studio::WorstCase)
Q_DECLARE_METATYPE(std::optional<QPointF>)
