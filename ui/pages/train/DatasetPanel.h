#pragma once
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace studio::ui {

class DataSource;
struct DatasetSummary;

/// Picks the dataset: the located MNIST folder, Fashion-MNIST, or any folder of IDX files. When
/// none is found it says where it looked and offers a folder dialog.
class DatasetPanel : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPanel(DataSource* source, QWidget* parent = nullptr);

    /// Folders the user added (remembered between sessions; kept by the DataSource).
    QStringList extraFolders() const;
    void setExtraFolders(const QStringList& folders);
    /// Selects and loads `folder`; false (with a message) when it holds no dataset.
    bool selectFolder(const QString& folder);
    QString currentFolder() const;
    QString statusText() const;

Q_SIGNALS:
    void extraFoldersChanged(const QStringList& folders);

private:
    void rebuildChoices(const QString& select);
    void chooseFolder();
    void showLoaded(const DatasetSummary& summary);

    DataSource* m_source;
    QComboBox* m_picker;
    QLabel* m_status;
    QLabel* m_missing;
    QPushButton* m_choose;
    bool m_rebuilding = false;
};

} // namespace studio::ui
