#include "DataSource.h"

#include "util/PlainMessage.h"
#include "DigitImage.h"
#include "TorchTasks.h"

#include "data/DataLocator.h"
#include "data/DatasetSearch.h"

#include <QDir>
#include <QFileInfo>
#include <QtConcurrent>

namespace studio::ui {

/// The outcome of one background load.
struct DataSource::Result {
    QString folder;
    std::shared_ptr<const Dataset> dataset;
    DatasetSummary summary;
    QString error;
};

namespace {

/// The first training image of every class, then the next ones, up to `count`.
QList<QImage> sampleImages(const Dataset& dataset, int count)
{
    const auto labels = dataset.train.labels.contiguous();
    const auto images = dataset.train.images.contiguous();
    const auto* label = labels.data_ptr<std::int64_t>();
    const auto* pixels = images.data_ptr<std::uint8_t>();
    const auto n = dataset.train.size();
    QList<std::int64_t> picked;
    for (int round = 0; round < 3 && picked.size() < count; ++round)
        for (int cls = 0; cls < dataset.numClasses && picked.size() < count; ++cls) {
            int seen = 0;
            for (std::int64_t i = 0; i < n; ++i)
                if (label[i] == cls && seen++ == round) {
                    picked.append(i);
                    break;
                }
        }
    QList<QImage> out;
    for (const auto i : picked)
        out.append(digitImage(pixels + i * 784));
    return out;
}

} // namespace

DataSource::DataSource(const QString& flagValue, QObject* parent) : QObject(parent), m_flagValue(flagValue)
{
    const auto location = locateData(flagValue.toStdString());
    m_located = QString::fromStdString(location.folder);
    m_missingMessage = QString::fromStdString(location.missingMessage());
    connect(&m_watcher, &QFutureWatcher<std::shared_ptr<Result>>::finished, this, &DataSource::onLoadFinished);
}

DataSource::~DataSource()
{
    m_watcher.waitForFinished();
}

DatasetInfo DataSource::loadedInfo() const
{
    return m_dataset ? DatasetInfo(*m_dataset) : DatasetInfo{};
}

DataSearch DataSource::runDataSearch() const
{
    DataSearch search;
    if (m_dataset)
        search.loaded.push_back(m_dataset);
    if (!m_flagValue.isEmpty())
        search.folders.push_back({m_flagValue.toStdString(), "from --data"});
    for (const auto& folder : m_extraFolders)
        search.folders.push_back({folder.toStdString(), "chosen on the Train page"});
    return search;
}

QList<DatasetChoice> DataSource::choices() const
{
    QList<DatasetChoice> out;
    QStringList seen;
    const auto add = [&](const QString& label, const QString& folder) {
        const QString canonical = QFileInfo(folder).canonicalFilePath();
        if (folder.isEmpty() || canonical.isEmpty() || seen.contains(canonical) || !holdsDataset(folder))
            return;
        seen.append(canonical);
        out.append({label, QDir::cleanPath(folder)});
    };
    add(tr("MNIST"), m_located);
    add(tr("Fashion-MNIST"), QString::fromLatin1(kDebianFashionFolder));
    for (const auto& folder : m_extraFolders)
        add(QDir(folder).dirName(), folder);
    return out;
}

bool DataSource::holdsDataset(const QString& folder)
{
    return !folder.isEmpty() && holdsIdxDataset(folder.toStdString());
}

void DataSource::load(const QString& folder)
{
    m_loading = true;
    m_loadingFolder = folder;
    Q_EMIT loadingStarted(folder);
    m_watcher.setFuture(runTorchTask([folder] {
        auto result = std::make_shared<Result>();
        result->folder = folder;
        try {
            auto dataset = std::make_shared<Dataset>(loadDataset(folder.toStdString()));
            auto& s = result->summary;
            s.name = QString::fromStdString(dataset->name);
            s.folder = folder;
            s.fingerprint = QString::fromStdString(dataset->fingerprint);
            s.trainImages = dataset->train.size();
            s.testImages = dataset->test.size();
            s.numClasses = dataset->numClasses;
            s.mean = dataset->mean;
            s.std = dataset->std;
            for (const auto& name : dataset->classNames)
                s.classNames.append(QString::fromStdString(name));
            s.samples = sampleImages(*dataset, 8);
            result->dataset = std::move(dataset);
        } catch (const std::exception& e) {
            result->error = QString::fromStdString(plainMessage(e));
        }
        return result;
    }));
}

void DataSource::onLoadFinished()
{
    const auto result = m_watcher.result();
    if (result->folder != m_loadingFolder)
        return; // superseded by a newer load
    m_loading = false;
    if (!result->error.isEmpty()) {
        Q_EMIT failed(result->folder, result->error);
        return;
    }
    m_dataset = result->dataset;
    m_summary = result->summary;
    Q_EMIT loaded(m_summary);
}

} // namespace studio::ui
