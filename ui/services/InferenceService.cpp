#include "InferenceService.h"

#include "util/PlainMessage.h"
#include "DigitImage.h"

#include "inference/CanvasPreprocessor.h"
#include "data/ImageTensor.h"
#include "evaluation/Embedding.h"
#include "inference/Predictor.h"
#include "util/TorchThreads.h"

#include <QElapsedTimer>
#include <QThread>

#include <algorithm>

namespace studio::ui {

InferenceService::InferenceService(QObject* parent)
    : QObject(parent), m_thread(new QThread(this)), m_context(new QObject)
{
    qRegisterMetaType<CanvasScore>();
    qRegisterMetaType<RobustnessSweep>();
    qRegisterMetaType<WorstCase>();
    qRegisterMetaType<std::optional<QPointF>>();
    m_thread->setObjectName("inference");
    m_context->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_context, &QObject::deleteLater);
    m_thread->start();
    // One intra-op thread to start; each model's Predictor then keeps 1 or 2, whichever scores it faster.
    QMetaObject::invokeMethod(m_context, [] { configureTorchThread(1); });
}

InferenceService::~InferenceService()
{
    QMetaObject::invokeMethod(m_context, [this] { m_predictor.reset(); });
    m_thread->quit();
    m_thread->wait();
}

void InferenceService::setCheckpoint(const QString& path)
{
    QMetaObject::invokeMethod(m_context, [this, path] {
        try {
            auto predictor = std::make_unique<Predictor>(path);
            const auto& meta = predictor->meta();
            QString description =
                tr("%1 trained on %2, %3, validation accuracy %4 %")
                    .arg(QString::fromStdString(meta.config.model), QString::fromStdString(meta.data.name),
                         meta.position.epoch == 1 ? tr("1 epoch") : tr("%1 epochs").arg(meta.position.epoch))
                    .arg(meta.valAccuracy * 100, 0, 'f', 2);
            QStringList classNames;
            for (int c = 0; c < meta.data.numClasses; ++c)
                classNames << QString::fromStdString(meta.data.className(c));
            if (!meta.data.isDigits())
                description += "\n" + tr("This model was not trained on digits: it sorts a drawing into its own "
                                         "classes (%1).")
                                          .arg(classNames.join(", "));
            m_predictor = std::move(predictor);
            m_checkpoint = path;
            m_lastInput = cv::Mat();
            Q_EMIT modelLoaded(path, description, classNames);
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromStdString(plainMessage(e)));
        }
    });
}

void InferenceService::score(const QImage& gray)
{
    std::lock_guard lock(m_mutex);
    m_pending = gray;
    if (m_scheduled)
        return; // the worker takes the newest image when it gets there
    m_scheduled = true;
    QMetaObject::invokeMethod(m_context, [this] { runPending(); });
}

void InferenceService::runPending()
{
    QImage image;
    {
        std::lock_guard lock(m_mutex);
        image = std::move(m_pending);
        m_pending = QImage();
        m_scheduled = false;
    }
    if (image.isNull() || !m_predictor)
        return;
    QElapsedTimer clock;
    clock.start();
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    const cv::Mat drawing =
        matFromBytes(gray.constBits(), gray.height(), gray.width(), std::size_t(gray.bytesPerLine()));
    const auto result = m_predictor->predict(drawing);
    CanvasScore score;
    score.milliseconds = double(clock.nsecsElapsed()) / 1e6;
    score.empty = result.empty;
    score.probabilities = result.probabilities;
    score.predicted = result.predicted;
    score.input28 = grayImage(result.input28.data, 28, 28, int(result.input28.step));
    if (m_explaining && !result.empty) {
        const auto e = m_predictor->explain(result.input28, result.predicted);
        const cv::Mat heat28(28, 28, CV_32F, const_cast<float*>(e.heat.data()));
        const cv::Mat back = CanvasPreprocessor::mapBack(heat28, result.toInput, drawing.size());
        score.overlay = heatOverlay(back.ptr<float>(), back.cols, back.rows);
        score.method = QString::fromStdString(e.method);
        if (std::all_of(e.heat.begin(), e.heat.end(), [](float h) { return h == 0; }))
            score.method += tr(": no positive evidence at %1").arg(QString::fromStdString(e.layer));
    }
    Q_EMIT scored(score);
    m_lastInput = result.empty ? cv::Mat() : result.input28.clone();
    if (m_placing)
        place();
    if (m_sweeping && !result.empty) {
        try {
            Q_EMIT swept(sweepRobustness(*m_predictor, m_lastInput), score.input28);
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromStdString(plainMessage(e)));
        }
    }
}

void InferenceService::setMap(std::shared_ptr<const EmbeddingMap> map, const QString& checkpoint)
{
    QMetaObject::invokeMethod(m_context, [this, map = std::move(map), checkpoint] {
        m_map = map;
        m_mapCheckpoint = checkpoint;
        place();
    });
}

void InferenceService::place()
{
    if (!m_map || !m_predictor || m_lastInput.empty() || m_mapCheckpoint != m_checkpoint) {
        Q_EMIT placed(std::nullopt);
        return;
    }
    try {
        const auto at = m_map->place(m_predictor->features(m_lastInput));
        Q_EMIT placed(QPointF(at[0][0].item<double>(), -at[0][1].item<double>())); // y up, as the map
    } catch (const std::exception& e) {
        Q_EMIT placed(std::nullopt);
        Q_EMIT failed(QString::fromStdString(plainMessage(e)));
    }
}

void InferenceService::findWorstCase()
{
    QMetaObject::invokeMethod(m_context, [this] {
        if (!m_predictor || m_lastInput.empty()) {
            Q_EMIT worstCase(WorstCase{});
            return;
        }
        try {
            Q_EMIT worstCase(studio::findWorstCase(*m_predictor, m_lastInput));
        } catch (const std::exception& e) {
            Q_EMIT failed(QString::fromStdString(plainMessage(e)));
        }
    });
}

} // namespace studio::ui
