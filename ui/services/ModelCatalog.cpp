#include "ModelCatalog.h"

#include "TorchTasks.h"

#include "models/ModelRegistry.h"
#include "models/ModelSummary.h"

#include <QFutureWatcher>
#include <QStringList>

namespace studio::ui {

QList<ArchitectureInfo> ModelCatalog::architectures()
{
    QList<ArchitectureInfo> out;
    for (const auto& m : modelRegistry())
        out.append({QString::fromStdString(m.id), QString::fromStdString(m.displayName),
                    QString::fromStdString(m.description), QString::fromStdString(m.seed), m.hasActivationChoice});
    return out;
}

const ArchitectureSummary* ModelCatalog::summary(const QString& id) const
{
    const auto it = m_cache.constFind(id);
    return it == m_cache.constEnd() ? nullptr : &it.value();
}

void ModelCatalog::requestSummary(const QString& id)
{
    if (const auto* cached = summary(id)) {
        Q_EMIT summaryReady(*cached);
        return;
    }
    if (m_pending.contains(id))
        return;
    m_pending.append(id);
    auto* watcher = new QFutureWatcher<ArchitectureSummary>(this);
    connect(watcher, &QFutureWatcher<ArchitectureSummary>::finished, this, [this, watcher, id] {
        watcher->deleteLater();
        m_pending.removeAll(id);
        const auto result = watcher->result();
        if (result.id.isEmpty())
            return; // unknown id
        m_cache.insert(id, result);
        Q_EMIT summaryReady(result);
    });
    watcher->setFuture(runTorchTask([id] {
        ArchitectureSummary out;
        if (!findModel(id.toStdString()))
            return out;
        auto model = buildModel(id.toStdString());
        const auto table = summarizeModel(*model);
        out.id = id;
        out.parameters = table.totalParameters;
        out.activationBytes = table.activationBytes;
        out.parameterBytes = table.parameterBytes;
        out.multiplyAdds = table.multiplyAdds;
        out.trainingMultiplyAdds = table.trainingMultiplyAdds;
        for (const auto& row : table.rows) {
            QStringList dims;
            for (const auto d : row.shape)
                dims.append(QString::number(d));
            out.rows.append({QString::fromStdString(row.name), QString::fromStdString(row.type), dims.join(u'×'),
                             row.parameters, row.activationBytes, row.multiplyAdds});
        }
        return out;
    }));
}

} // namespace studio::ui
