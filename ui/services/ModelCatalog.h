#pragma once
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

namespace studio::ui {

/// An architecture of the registry as the UI lists it.
struct ArchitectureInfo {
    QString id, displayName, description, seed;
    bool hasActivationChoice = false;
};

/// One stage of a model summary.
struct LayerRow {
    QString name, type, shape;
    qint64 parameters = 0;
    qint64 activationBytes = 0;
    qint64 multiplyAdds = 0; ///< one image, forward pass
};

/// A model summary (the CLI's `summary` table) for one architecture with default options.
struct ArchitectureSummary {
    QString id;
    QList<LayerRow> rows;
    qint64 parameters = 0;
    qint64 activationBytes = 0; ///< one image, forward pass
    qint64 parameterBytes = 0;
    qint64 multiplyAdds = 0;         ///< one image, forward pass
    qint64 trainingMultiplyAdds = 0; ///< one image, one training step
};

/// The model registry for the UI: the list is immediate; summaries (which build the model) are
/// computed in the background once per architecture and cached.
class ModelCatalog : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

    static QList<ArchitectureInfo> architectures();
    /// The cached summary, or nullptr (then requestSummary()).
    const ArchitectureSummary* summary(const QString& id) const;
    /// Computes `id`'s summary off the UI thread; summaryReady() follows (at once when cached).
    void requestSummary(const QString& id);

Q_SIGNALS:
    void summaryReady(const studio::ui::ArchitectureSummary& summary);

private:
    QHash<QString, ArchitectureSummary> m_cache;
    QList<QString> m_pending;
};

} // namespace studio::ui
