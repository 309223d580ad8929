#pragma once
#include "ModelCatalog.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QTableWidget;

namespace studio::ui {

/// The architecture picker: every registry model with its description, parameter count and
/// model summary table.
class ArchitecturePanel : public QWidget {
    Q_OBJECT
public:
    explicit ArchitecturePanel(ModelCatalog* catalog, QWidget* parent = nullptr);

    QString currentId() const;
    void setCurrentId(const QString& id);
    /// "421,642 parameters · seed 004" once the summary is known.
    QString parameterText() const;
    int summaryRows() const;

Q_SIGNALS:
    void architectureChanged(const QString& id);

private:
    void showArchitecture();
    void showSummary(const ArchitectureSummary& summary);

    ModelCatalog* m_catalog;
    QList<ArchitectureInfo> m_architectures;
    QComboBox* m_picker;
    QLabel* m_description;
    QLabel* m_parameters;
    QTableWidget* m_table;
};

} // namespace studio::ui
