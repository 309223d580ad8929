#include "DatasetPanel.h"

#include "DataSource.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace studio::ui {

DatasetPanel::DatasetPanel(DataSource* source, QWidget* parent)
    : QWidget(parent), m_source(source), m_picker(new QComboBox(this)), m_status(new QLabel(this)),
      m_missing(new QLabel(this)), m_choose(new QPushButton(tr("Choose folder…"), this))
{
    m_picker->setObjectName("dataset");
    m_status->setObjectName("datasetStatus");
    m_status->setWordWrap(true);
    m_missing->setObjectName("datasetMissing");
    m_missing->setWordWrap(true);
    m_missing->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_missing->setStyleSheet("QLabel { background: rgba(230, 160, 0, 40); border: 1px solid rgba(200, 130, 0, 160);"
                             " border-radius: 4px; padding: 6px; }");
    m_choose->setObjectName("chooseDataFolder");
    m_choose->setToolTip(
        tr("A folder with train-images, train-labels, t10k-images and t10k-labels IDX files (raw or .gz)"));

    auto* row = new QHBoxLayout;
    row->addWidget(m_picker, 1);
    row->addWidget(m_choose);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_missing);
    layout->addLayout(row);
    layout->addWidget(m_status);

    connect(m_choose, &QPushButton::clicked, this, &DatasetPanel::chooseFolder);
    connect(m_picker, &QComboBox::currentIndexChanged, this, [this] {
        if (!m_rebuilding && !currentFolder().isEmpty() && currentFolder() != m_source->loadingFolder()) {
            m_missing->hide();
            m_source->load(currentFolder());
        }
    });
    connect(m_source, &DataSource::loadingStarted, this, [this](const QString& folder) {
        m_status->setText(tr("Loading %1 …").arg(QDir::toNativeSeparators(folder)));
    });
    connect(m_source, &DataSource::loaded, this, &DatasetPanel::showLoaded);
    connect(m_source, &DataSource::failed, this, [this](const QString&, const QString& message) {
        m_status->setText(message);
        m_status->setStyleSheet("color: #c62828;");
    });
    rebuildChoices({});
}

QStringList DatasetPanel::extraFolders() const
{
    return m_source->extraFolders();
}

void DatasetPanel::setExtraFolders(const QStringList& folders)
{
    m_source->setExtraFolders(folders);
    rebuildChoices(currentFolder());
}

QString DatasetPanel::currentFolder() const
{
    return m_picker->currentData().toString();
}

QString DatasetPanel::statusText() const
{
    return m_status->text();
}

bool DatasetPanel::selectFolder(const QString& folder)
{
    if (!DataSource::holdsDataset(folder)) {
        m_status->setText(tr("%1 holds no IDX dataset: it needs train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                             "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz).")
                              .arg(QDir::toNativeSeparators(folder)));
        m_status->setStyleSheet("color: #c62828;");
        return false;
    }
    const QString clean = QDir::cleanPath(folder);
    bool listed = false;
    for (const auto& choice : m_source->choices())
        listed = listed || QDir(choice.folder) == QDir(clean);
    if (!listed) {
        m_source->setExtraFolders(m_source->extraFolders() << clean);
        Q_EMIT extraFoldersChanged(m_source->extraFolders());
    }
    rebuildChoices(clean);
    if (m_source->loadingFolder() != currentFolder())
        m_source->load(currentFolder());
    return true;
}

void DatasetPanel::rebuildChoices(const QString& select)
{
    m_rebuilding = true;
    m_picker->clear();
    for (const auto& choice : m_source->choices())
        m_picker->addItem(QStringLiteral("%1 — %2").arg(choice.label, QDir::toNativeSeparators(choice.folder)),
                          choice.folder);
    // Nothing is picked for the user when the dataset they asked for (or MNIST) is missing.
    int index = m_source->locatedFolder().isEmpty() ? -1 : 0;
    for (int i = 0; i < m_picker->count(); ++i)
        if (!select.isEmpty() && QDir(m_picker->itemData(i).toString()) == QDir(select))
            index = i;
    m_picker->setCurrentIndex(index);
    if (index < 0)
        m_picker->setPlaceholderText(tr("Choose a dataset…"));
    m_rebuilding = false;
    const bool none = m_picker->currentIndex() < 0;
    m_picker->setVisible(m_picker->count() > 0);
    m_missing->setVisible(none);
    m_missing->setText(
        tr("<b>No dataset found.</b><br>%1").arg(m_source->missingMessage().toHtmlEscaped().replace('\n', "<br>")));
    if (none)
        m_status->clear();
}

void DatasetPanel::chooseFolder()
{
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Folder with IDX files"), currentFolder());
    if (!folder.isEmpty())
        selectFolder(folder);
}

void DatasetPanel::showLoaded(const DatasetSummary& s)
{
    m_status->setStyleSheet({});
    m_status->setText(tr("%1 · %L2 training / %L3 test images · %4 classes · mean %5, std %6 · fingerprint %7")
                          .arg(s.name)
                          .arg(s.trainImages)
                          .arg(s.testImages)
                          .arg(s.numClasses)
                          .arg(s.mean, 0, 'f', 4)
                          .arg(s.std, 0, 'f', 4)
                          .arg(s.fingerprint.left(12)));
}

} // namespace studio::ui
