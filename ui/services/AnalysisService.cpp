#include "AnalysisService.h"

#include "util/PlainMessage.h"
#include "DigitImage.h"
#include "TorchTasks.h"

#include "data/DatasetSearch.h"
#include "data/ImageTensor.h"
#include "evaluation/Explanations.h"
#include "evaluation/ModelEvaluation.h"
#include "training/EpochReplay.h"
#include "data/Split.h"

#include <QFileInfo>
#include <QFutureWatcher>

namespace studio::ui {
namespace {

struct Outcome {
    std::shared_ptr<Analysis> analysis;
    std::shared_ptr<const Dataset> data;
    QString error;
};

/// The run's epoch replay beside the checkpoint, when it covers exactly the split analysed.
void addReplay(Analysis& a)
{
    try {
        const auto replay = readReplay(QFileInfo(a.checkpoint).absolutePath());
        if (replay.empty())
            return;
        if (replay.front().scores.labels != a.evaluation.scores.labels) {
            a.replayProblem = QObject::tr("The run's epoch replay holds other images than this validation split.");
            return;
        }
        for (const auto& e : replay) {
            auto evaluation = analyse("validation", e.scores, nullptr, a.evaluation.options);
            auto images = imageScores(evaluation.scores);
            a.replay.push_back({e.epoch, std::move(evaluation), std::move(images)});
        }
        a.histories = imageHistories(replay);
    } catch (const std::exception& e) {
        a.replay.clear();
        a.replayProblem = QString::fromStdString(plainMessage(e));
    }
}

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
            if (split == "validation")
                addReplay(*a);
            out.analysis = std::move(a);
            out.data = dataset;
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(plainMessage(e));
        }
        return out;
    }));
}

void AnalysisService::showEpoch(int snapshot)
{
    if (m_current)
        m_current->shownSnapshot = snapshot >= 0 && snapshot < int(m_current->replay.size()) ? snapshot : -1;
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
