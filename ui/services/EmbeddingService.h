#pragma once
#include <QHash>
#include <QObject>
#include <QPointF>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

namespace studio {
struct EmbeddingMap;
}

namespace studio::ui {

struct Analysis;

/// How to lay the features out.
struct MapRequest {
    bool tsne = false;
    double perplexity = 30;
    int iterations = 1000;
    bool operator==(const MapRequest&) const = default;
};

/// An analysis's images placed on a 2-D map of the model's penultimate features.
struct MapLayout {
    MapRequest request;
    std::shared_ptr<const Analysis> analysis; ///< the images placed, with their labels and predictions
    std::vector<QPointF> points;              ///< one per image of the analysis, in split order
    std::shared_ptr<const EmbeddingMap> map;  ///< places new drawings (torch threads only)
    int dimensions = 0;                       ///< of the features
    double seconds = 0;                       ///< to compute it (0 when read from the cache)
    bool cached = false;
    /// "t-SNE (perplexity 30, 1,000 iterations) of 10,000 images' 128-D penultimate features"
    QString description() const;
};

/// Computes embedding maps off the UI thread: the features on the torch pool (they need the
/// analysed model), t-SNE on a thread of its own (it needs only the features, and Grad-CAM and new
/// analyses must not wait a minute behind it), with progress and cancel. Maps are kept per analysis
/// and request for the session; t-SNE layouts also on disk beside the checkpoint
/// (embeddings/<weights hash>-<split>-tsne-p<perplexity>-i<iterations>.layout), so a run's map is
/// computed once.
class EmbeddingService : public QObject {
    Q_OBJECT
public:
    explicit EmbeddingService(QObject* parent = nullptr);
    ~EmbeddingService() override;

    /// Maps the images of `analysis`; cancels a map under way. ready() or failed() follows
    /// (at once for a map already made this session).
    void compute(const std::shared_ptr<const Analysis>& analysis, const MapRequest& request);
    /// Stops the map under way (cancelled() follows).
    void cancel();
    bool isBusy() const { return m_job != nullptr; }
    std::shared_ptr<const MapLayout> current() const { return m_current; }

Q_SIGNALS:
    void progress(const QString& text, int percent);
    void ready(const std::shared_ptr<const studio::ui::MapLayout>& layout);
    void failed(const QString& message);
    void cancelled();

private:
    struct Job;
    void finish(const std::shared_ptr<Job>& job, std::shared_ptr<MapLayout> layout, const QString& error);

    std::shared_ptr<Job> m_job;
    std::shared_ptr<const MapLayout> m_current;
    std::vector<std::shared_ptr<const MapLayout>> m_made; ///< this session's maps, newest last
};

} // namespace studio::ui

Q_DECLARE_METATYPE(std::shared_ptr<const studio::ui::MapLayout>)
