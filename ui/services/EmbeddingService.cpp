#include "EmbeddingService.h"

#include "AnalysisService.h"
#include "TorchTasks.h"

#include "data/ImageTensor.h"
#include "evaluation/Embedding.h"
#include "evaluation/Tsne.h"
#include "util/PlainMessage.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QFutureWatcher>

#include <torch/torch.h>

namespace studio::ui {
namespace {

/// SHA-1 of the weights analysed (names and bytes of every parameter and buffer): the map's cache
/// key, so a checkpoint rewritten since (latest.pt) never reads another model's map.
QString weightsHash(torch::nn::Module& model)
{
    QCryptographicHash hash(QCryptographicHash::Sha1);
    auto add = [&hash](const std::string& name, const torch::Tensor& t) {
        hash.addData(QByteArrayView(name.data(), qsizetype(name.size())));
        const auto bytes = t.contiguous().to(torch::kCPU);
        hash.addData(QByteArrayView(static_cast<const char*>(bytes.data_ptr()), qsizetype(bytes.nbytes())));
    };
    for (const auto& p : model.named_parameters())
        add(p.key(), p.value());
    for (const auto& b : model.named_buffers())
        add(b.key(), b.value());
    return QString::fromLatin1(hash.result().toHex().left(16));
}

std::vector<QPointF> pointsOf(const torch::Tensor& layout)
{
    const auto l = layout.to(torch::kDouble).contiguous();
    const double* xy = l.data_ptr<double>();
    std::vector<QPointF> points(static_cast<std::size_t>(l.size(0)));
    for (std::size_t i = 0; i < points.size(); ++i)
        points[i] = {xy[2 * i], -xy[2 * i + 1]}; // y up, as plotted
    return points;
}

/// The features and their PCA map, and for t-SNE the cached layout when there is one.
struct Features {
    std::shared_ptr<MapLayout> layout;
    std::shared_ptr<EmbeddingMap> map;
    QString cachePath; ///< where a t-SNE layout of these weights and images is kept
    QString error;
};

} // namespace

QString MapLayout::description() const
{
    const QString method =
        request.tsne
            ? QObject::tr("t-SNE (perplexity %1, %L2 iterations)").arg(request.perplexity).arg(request.iterations)
            : QObject::tr("PCA");
    QString text = QObject::tr("%1 of %L2 images' %3-D penultimate features")
                       .arg(method)
                       .arg(qlonglong(points.size()))
                       .arg(dimensions);
    if (cached)
        return text + QObject::tr(" · read from the run's cache");
    return text + QObject::tr(" · %1 s").arg(seconds, 0, 'f', 1);
}

struct EmbeddingService::Job {
    std::shared_ptr<const Analysis> analysis;
    MapRequest request;
    std::atomic<bool> cancel = false;
    QElapsedTimer clock;
};

EmbeddingService::EmbeddingService(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<std::shared_ptr<const MapLayout>>();
}

EmbeddingService::~EmbeddingService()
{
    if (m_job)
        m_job->cancel = true;
    tsnePool()->waitForDone();
    torchPool()->waitForDone();
}

void EmbeddingService::cancel()
{
    if (!m_job)
        return;
    m_job->cancel = true;
    m_job.reset();
    Q_EMIT cancelled();
}

void EmbeddingService::compute(const std::shared_ptr<const Analysis>& analysis, const MapRequest& request)
{
    if (m_job)
        m_job->cancel = true;
    m_job.reset();
    for (const auto& made : m_made)
        if (made->analysis == analysis && made->request == request) {
            m_current = made;
            Q_EMIT ready(made);
            return;
        }
    auto job = std::make_shared<Job>();
    job->analysis = analysis;
    job->request = request;
    job->clock.start();
    m_job = job;
    Q_EMIT progress(tr("Features of %L1 images …").arg(qlonglong(analysis->images.size())), 0);

    auto* watcher = new QFutureWatcher<Features>(this);
    connect(watcher, &QFutureWatcher<Features>::finished, this, [this, watcher, job] {
        watcher->deleteLater();
        auto features = watcher->result();
        if (job != m_job)
            return; // cancelled or replaced
        if (!features.error.isEmpty() || !job->request.tsne || features.layout->cached) {
            finish(job, features.layout, features.error);
            return;
        }
        Q_EMIT progress(tr("t-SNE of %L1 points …").arg(qlonglong(features.layout->points.size())), 0);
        auto* tsneWatcher = new QFutureWatcher<Features>(this);
        connect(tsneWatcher, &QFutureWatcher<Features>::finished, this, [this, tsneWatcher, job] {
            tsneWatcher->deleteLater();
            const auto done = tsneWatcher->result();
            if (job == m_job)
                finish(job, done.layout, done.error);
        });
        tsneWatcher->setFuture(QtConcurrent::run(tsnePool(), [this, job, features]() mutable {
            configureTorchThread(0);
            try {
                TsneOptions options;
                options.perplexity = job->request.perplexity;
                options.iterations = job->request.iterations;
                const auto layout = tsne(features.map->features, options, [this, job](int step, int total) {
                    QMetaObject::invokeMethod(
                        this,
                        [this, job, step, total] {
                            if (job == m_job)
                                Q_EMIT progress(tr("t-SNE: step %L1 of %L2 (%3 s)")
                                                    .arg(step)
                                                    .arg(total)
                                                    .arg(job->clock.elapsed() / 1000),
                                                100 * step / total);
                        },
                        Qt::QueuedConnection);
                    return !job->cancel.load();
                });
                if (!layout.defined())
                    return features; // cancelled: nobody waits for it
                features.map->layout = layout;
                features.map->tsne = true;
                features.layout->points = pointsOf(layout);
                try {
                    QDir().mkpath(QFileInfo(features.cachePath).absolutePath());
                    saveLayout(features.cachePath, layout);
                } catch (const std::exception&) {
                    // a read-only run folder: the map is simply not kept
                }
            } catch (const std::exception& e) {
                features.error = QString::fromStdString(plainMessage(e));
            }
            return features;
        }));
    });
    watcher->setFuture(runTorchTask([job] {
        Features out;
        try {
            const Analysis& a = *job->analysis;
            auto& model = *a.loaded->model;
            const auto n = std::int64_t(a.pixels.size() / 784);
            const auto features = penultimateFeatures(model, tensorFromBytes(a.pixels.data(), {n, 28, 28}),
                                                      a.loaded->meta.data.mean, a.loaded->meta.data.std);
            out.map = std::make_shared<EmbeddingMap>(pcaMap(features));
            out.layout = std::make_shared<MapLayout>();
            out.layout->request = job->request;
            out.layout->analysis = job->analysis;
            out.layout->dimensions = int(features.size(1));
            out.layout->map = out.map;
            if (!job->request.tsne) {
                out.layout->points = pointsOf(out.map->layout);
                return out;
            }
            out.cachePath = QFileInfo(a.checkpoint)
                                .absoluteDir()
                                .filePath(QString("embeddings/%1-%2-tsne-p%3-i%4.layout")
                                              .arg(weightsHash(model), QString::fromStdString(a.evaluation.split))
                                              .arg(job->request.perplexity)
                                              .arg(job->request.iterations));
            if (const auto cached = loadLayout(out.cachePath, n); cached.defined()) {
                out.map->layout = cached;
                out.map->tsne = true;
                out.layout->points = pointsOf(cached);
                out.layout->cached = true;
            }
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(plainMessage(e));
        }
        return out;
    }));
}

void EmbeddingService::finish(const std::shared_ptr<Job>& job, std::shared_ptr<MapLayout> layout, const QString& error)
{
    m_job.reset();
    if (!error.isEmpty() || !layout) {
        Q_EMIT failed(error.isEmpty() ? tr("The map could not be made.") : error);
        return;
    }
    layout->seconds = double(job->clock.elapsed()) / 1000.0;
    m_current = layout;
    m_made.push_back(layout);
    if (m_made.size() > 8)
        m_made.erase(m_made.begin());
    Q_EMIT ready(m_current);
}

} // namespace studio::ui
