#include "AnalysisService.h"

#include "util/PlainMessage.h"
#include "DigitImage.h"
#include "TorchTasks.h"

#include "data/DatasetSearch.h"
#include "data/ImageTensor.h"
#include "evaluation/Explanations.h"
#include "evaluation/ModelEvaluation.h"
#include "data/Split.h"

#include <QFutureWatcher>

namespace studio::ui {
namespace {

struct Outcome {
    std::shared_ptr<Analysis> analysis;
    std::shared_ptr<const Dataset> data;
    QString error;
};

} // namespace

QImage Analysis::image(std::int64_t index) const
{
    return digitImage(pixels.data() + index * 784);
}

AnalysisService::AnalysisService(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<HeatMap>();
}

AnalysisService::~AnalysisService()
{
    torchPool()->waitForDone();
}

void AnalysisService::analyse(const QString& checkpoint, const DataSearch& given, const QString& split)
{
    m_busy = true;
    auto search = given;
    if (m_lastData)
        search.loaded.push_back(m_lastData);
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_busy = false;
        const auto outcome = watcher->result();
        if (!outcome.error.isEmpty()) {
            Q_EMIT failed(outcome.error);
            return;
        }
        m_current = outcome.analysis;
        m_lastData = outcome.data;
        Q_EMIT ready(m_current.get());
    });
    watcher->setFuture(runTorchTask([checkpoint, search, split] {
        Outcome out;
        try {
            auto a = std::make_shared<Analysis>();
            a->loaded = std::make_shared<LoadedModel>(loadModelFromCheckpoint(checkpoint));
            const auto& loaded = *a->loaded;
            const auto dataset = findDataset(loaded.meta.data, search);
            a->checkpoint = checkpoint;
            a->data = QString::fromStdString(dataset->name + " " + dataset->shortFingerprint());
            for (int k = 0; k < loaded.meta.data.numClasses; ++k)
                a->classNames << QString::fromStdString(loaded.meta.data.className(k));
            a->model = QString::fromStdString(loaded.meta.config.model);
            a->epoch = loaded.meta.position.epoch;
            a->evaluation = evaluateModel(loaded, *dataset, split.toStdString());
            a->images = imageScores(a->evaluation.scores);
            const auto& c = loaded.meta.config;
            const auto images = split == "test"
                                    ? dataset->test.images
                                    : trainingSets(*dataset, c.limitTrain, c.valFraction, c.seed).validation.images;
            a->pixels = bytesFromTensor(images);
            out.analysis = std::move(a);
            out.data = dataset;
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(plainMessage(e));
        }
        return out;
    }));
}

void AnalysisService::explain(std::int64_t index, int targetClass)
{
    if (!m_current || index < 0 || index >= m_current->evaluation.scores.size())
        return;
    auto* watcher = new QFutureWatcher<HeatMap>(this);
    connect(watcher, &QFutureWatcher<HeatMap>::finished, this, [this, watcher] {
        watcher->deleteLater();
        const auto map = watcher->result();
        if (map.index >= 0)
            Q_EMIT explained(map);
    });
    watcher->setFuture(runTorchTask([analysis = m_current, index, targetClass] {
        HeatMap map;
        try {
            auto& loaded = *analysis->loaded;
            const auto image = tensorFromBytes(analysis->pixels.data() + index * 784, {28, 28});
            const auto e =
                studio::explain(*loaded.model, image, loaded.meta.data.mean, loaded.meta.data.std, targetClass);
            map.index = index;
            map.targetClass = targetClass;
            map.method = QString::fromStdString(e.method);
            map.heat = e.heat;
        } catch (const std::exception&) {
            map.index = -1;
        }
        return map;
    }));
}

} // namespace studio::ui
