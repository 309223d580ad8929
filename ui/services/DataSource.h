#pragma once
#include "data/DatasetInfo.h"

#include <QFutureWatcher>
#include <QImage>
#include <QList>
#include <QObject>
#include <QStringList>

#include <memory>

namespace studio {
struct Dataset;
struct DataSearch;
} // namespace studio

namespace studio::ui {

/// A dataset the user can pick: the located MNIST folder, Debian's Fashion-MNIST, folders chosen before.
struct DatasetChoice {
    QString label;
    QString folder;
};

/// What the UI shows of a loaded dataset.
struct DatasetSummary {
    QString name, folder, fingerprint;
    qint64 trainImages = 0, testImages = 0;
    int numClasses = 0;
    double mean = 0, std = 0;
    QStringList classNames;
    QList<QImage> samples; ///< a few training digits (28×28 grayscale), one per class first
};

/// Finds and loads datasets off the UI thread and keeps the loaded one for training.
class DataSource : public QObject {
    Q_OBJECT
public:
    /// `flagValue`: the --data option (empty: the usual lookup order).
    explicit DataSource(const QString& flagValue = {}, QObject* parent = nullptr);
    ~DataSource() override;

    /// The located dataset (flag, environment, set-up folder, XDG) or "" when none was found.
    QString locatedFolder() const { return m_located; }
    /// Where the lookup searched and how to fetch MNIST (for the "no dataset" message).
    QString missingMessage() const { return m_missingMessage; }
    /// Folders the user chose besides the known ones (remembered between sessions).
    QStringList extraFolders() const { return m_extraFolders; }
    void setExtraFolders(const QStringList& folders) { m_extraFolders = folders; }
    /// The located folder, Fashion-MNIST when installed, and the extra folders, deduplicated.
    QList<DatasetChoice> choices() const;
    /// Where the window looks for a run's own data: the loaded dataset (no reload), the --data
    /// folder, the extra folders, then the known locations (findDataset).
    DataSearch runDataSearch() const;
    /// True when `folder` holds the four IDX files (raw or .gz).
    static bool holdsDataset(const QString& folder);

    /// Starts loading `folder` in the background; loaded() or failed() follows. A load already
    /// running is superseded.
    void load(const QString& folder);
    bool isLoading() const { return m_loading; }
    /// The loaded dataset (null before the first successful load).
    std::shared_ptr<const Dataset> dataset() const { return m_dataset; }
    const DatasetSummary& summary() const { return m_summary; }
    /// The loaded dataset's record (name, folder, fingerprint, …); empty name before a load.
    DatasetInfo loadedInfo() const;
    QString loadingFolder() const { return m_loadingFolder; }

Q_SIGNALS:
    void loadingStarted(const QString& folder);
    void loaded(const studio::ui::DatasetSummary& summary);
    void failed(const QString& folder, const QString& message);

private:
    struct Result;
    void onLoadFinished();

    QString m_flagValue;
    QString m_located;
    QStringList m_extraFolders;
    QString m_missingMessage;
    QString m_loadingFolder;
    bool m_loading = false;
    std::shared_ptr<const Dataset> m_dataset;
    DatasetSummary m_summary;
    QFutureWatcher<std::shared_ptr<Result>> m_watcher;
};

} // namespace studio::ui
