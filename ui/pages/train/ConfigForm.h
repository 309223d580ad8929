#pragma once
#include "training/TrainConfig.h"

#include <QHash>
#include <QStringList>
#include <QWidget>

class QLabel;

namespace studio::ui {

/// The hyperparameter form: one editor per config field (the core's field table; the model is
/// picked elsewhere), grouped in sections, validated on every edit with the core's messages
/// shown under the field they name. Fields without effect under the rest of the configuration
/// (momentum with Adam, …) are greyed out.
class ConfigForm : public QWidget {
    Q_OBJECT
public:
    explicit ConfigForm(QWidget* parent = nullptr);

    /// Shows `config` in the editors.
    void setConfig(const TrainConfig& config);
    /// Changes only the architecture (validation and applicability follow it).
    void setModel(const QString& id);
    /// The configuration the editors describe; a field whose text does not parse keeps the last
    /// value set.
    TrainConfig config() const { return m_config; }
    /// Every problem, each naming its field; empty when the form is valid.
    QStringList problems() const { return m_problems; }
    bool isValid() const { return m_problems.isEmpty(); }
    /// The editor of a field (objectName "field_<key>") and its current message.
    QWidget* editor(const QString& key) const { return m_editors.value(key); }
    QString messageFor(const QString& key) const;

Q_SIGNALS:
    /// After every edit (and setConfig), with config() and problems() updated.
    void changed();

private:
    void build();
    QWidget* makeEditor(const ConfigField& field);
    void fill();
    void revalidate();
    QString editorText(const ConfigField& field) const;

    TrainConfig m_base;   ///< as last set; the editors' texts apply over it
    TrainConfig m_config; ///< m_base with the editors applied
    QStringList m_problems;
    QHash<QString, QWidget*> m_editors;
    QHash<QString, QLabel*> m_messages;
    QHash<QString, QLabel*> m_labels;
    QLabel* m_generalMessage = nullptr;
    bool m_filling = false;
};

} // namespace studio::ui
