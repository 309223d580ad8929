#include "ConfigForm.h"

#include "training/MixedPrecision.h"
#include "util/StudioError.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

#include <cmath>

namespace studio::ui {
namespace {

struct Section {
    const char* title;
    QStringList keys;
};

const QList<Section>& sections()
{
    static const QList<Section> list = {
        {QT_TR_NOOP("Model"), {"activation", "dropout_rate"}},
        {QT_TR_NOOP("Optimisation"),
         {"optimizer", "learning_rate", "batch_size", "num_epochs", "weight_decay", "momentum", "nesterov",
          "adam_beta1", "adam_beta2", "ema_decay"}},
        {QT_TR_NOOP("Learning-rate schedule"),
         {"scheduler", "warmup_epochs", "step_size", "gamma", "max_lr", "pct_start", "div_factor", "final_div_factor"}},
        {QT_TR_NOOP("Early stopping"),
         {"early_stopping_patience", "early_stopping_monitor", "early_stopping_min_delta", "restore_best_weights"}},
        {QT_TR_NOOP("Data and run"),
         {"name", "seed", "val_fraction", "limit_train", "limit_test", "threads", "precision"}},
        {QT_TR_NOOP("Augmentation"),
         {"augmentation", "aug_rotation", "aug_translate", "aug_scale_min", "aug_scale_max", "aug_shear", "aug_erase_p",
          "aug_erase_area_min", "aug_erase_area_max"}},
    };
    return list;
}

QString labelFor(const QString& key)
{
    static const QHash<QString, QString> names = {
        {"dropout_rate", QObject::tr("Dropout (−1: default)")},
        {"learning_rate", QObject::tr("Learning rate")},
        {"max_lr", QObject::tr("Peak LR")},
        {"adam_beta1", QObject::tr("Adam β1")},
        {"adam_beta2", QObject::tr("Adam β2")},
        {"ema_decay", QObject::tr("Weight average (0: off)")},
        {"pct_start", QObject::tr("Rising fraction")},
        {"div_factor", QObject::tr("Initial LR divisor")},
        {"final_div_factor", QObject::tr("Final LR divisor")},
        {"early_stopping_patience", QObject::tr("Patience (0: off)")},
        {"early_stopping_monitor", QObject::tr("Monitor")},
        {"early_stopping_min_delta", QObject::tr("Min. improvement")},
        {"val_fraction", QObject::tr("Validation fraction")},
        {"limit_train", QObject::tr("Train images (0: all)")},
        {"limit_test", QObject::tr("Test images (0: all)")},
        {"threads", QObject::tr("Torch threads (0: all)")},
        {"name", QObject::tr("Run name")},
        {"augmentation", QObject::tr("Augment training images")},
        {"aug_erase_p", QObject::tr("Erasing probability")},
        {"aug_erase_area_min", QObject::tr("Erased area min")},
        {"aug_erase_area_max", QObject::tr("Erased area max")},
        {"aug_rotation", QObject::tr("Rotation ± degrees")},
        {"aug_shear", QObject::tr("Shear ± degrees")},
        {"aug_translate", QObject::tr("Shift ± fraction")},
    };
    if (names.contains(key))
        return names.value(key);
    QString text = key;
    if (text.startsWith("aug_"))
        text = text.mid(4);
    text.replace('_', ' ');
    text[0] = text[0].toUpper();
    return text;
}

QString formatValue(const QJsonValue& v, ConfigField::Kind kind)
{
    if (kind == ConfigField::Kind::Integer)
        return QString::number(v.toInteger());
    if (kind == ConfigField::Kind::Real)
        return QString::number(v.toDouble(), 'g', 10);
    return v.toString();
}

/// The field a core problem message names: its first word.
QString keyOfProblem(const QString& problem)
{
    int end = 0;
    while (end < problem.size() && (problem[end].isLetterOrNumber() || problem[end] == '_'))
        ++end;
    return problem.left(end);
}

} // namespace

ConfigForm::ConfigForm(QWidget* parent) : QWidget(parent)
{
    build();
    setConfig(TrainConfig{});
}

void ConfigForm::build()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_generalMessage = new QLabel(this);
    m_generalMessage->setObjectName("formMessage");
    m_generalMessage->setWordWrap(true);
    m_generalMessage->setStyleSheet("color: #c62828;");
    m_generalMessage->hide();
    layout->addWidget(m_generalMessage);

    QStringList placed{"model"};
    auto addSection = [&](const QString& title, const QStringList& keys) {
        auto* box = new QGroupBox(title, this);
        auto* form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setRowWrapPolicy(QFormLayout::DontWrapRows);
        for (const auto& key : keys) {
            const auto* field = findConfigField(key.toStdString());
            if (!field)
                continue;
            placed.append(key);
            auto* cell = new QWidget(box);
            auto* cellLayout = new QVBoxLayout(cell);
            cellLayout->setContentsMargins(0, 0, 0, 0);
            cellLayout->setSpacing(2);
            auto* editor = makeEditor(*field);
            auto* message = new QLabel(cell);
            message->setObjectName("message_" + key);
            message->setWordWrap(true);
            message->setStyleSheet("color: #c62828;");
            message->hide();
            cellLayout->addWidget(editor);
            cellLayout->addWidget(message);
            auto* label = new QLabel(labelFor(key), box);
            label->setToolTip(QString::fromUtf8(field->help));
            label->setBuddy(editor);
            form->addRow(label, cell);
            m_messages.insert(key, message);
            m_labels.insert(key, label);
        }
        layout->addWidget(box);
    };
    for (const auto& section : sections())
        addSection(tr(section.title), section.keys);
    QStringList rest;
    for (const auto& field : configFields())
        if (!placed.contains(QString::fromUtf8(field.key)))
            rest.append(QString::fromUtf8(field.key));
    if (!rest.isEmpty())
        addSection(tr("Other"), rest);
}

QWidget* ConfigForm::makeEditor(const ConfigField& field)
{
    const QString key = QString::fromUtf8(field.key);
    QWidget* editor = nullptr;
    switch (field.kind) {
    case ConfigField::Kind::Boolean: {
        auto* box = new QCheckBox(this);
        connect(box, &QCheckBox::toggled, this, &ConfigForm::revalidate);
        editor = box;
        break;
    }
    case ConfigField::Kind::Choice: {
        auto* combo = new QComboBox(this);
        for (const auto& choice : field.choices)
            combo->addItem(QString::fromStdString(choice));
        connect(combo, &QComboBox::currentIndexChanged, this, &ConfigForm::revalidate);
        editor = combo;
        break;
    }
    default: {
        auto* line = new QLineEdit(this);
        if (field.kind != ConfigField::Kind::Text)
            line->setPlaceholderText(tr("%1 … %2").arg(field.min).arg(field.max));
        connect(line, &QLineEdit::textEdited, this, &ConfigForm::revalidate);
        editor = line;
    }
    }
    editor->setObjectName("field_" + key);
    editor->setToolTip(QString::fromUtf8(field.help));
    m_editors.insert(key, editor);
    return editor;
}

void ConfigForm::setConfig(const TrainConfig& config)
{
    m_base = config;
    fill();
    revalidate();
}

void ConfigForm::setModel(const QString& id)
{
    m_base = m_config;
    m_base.model = id.toStdString();
    revalidate();
}

void ConfigForm::fill()
{
    m_filling = true;
    for (const auto& field : configFields()) {
        auto* editor = m_editors.value(QString::fromUtf8(field.key));
        if (!editor)
            continue;
        const QJsonValue v = field.get(m_base);
        if (auto* box = qobject_cast<QCheckBox*>(editor))
            box->setChecked(v.toBool());
        else if (auto* combo = qobject_cast<QComboBox*>(editor))
            combo->setCurrentIndex(v.toInt());
        else if (auto* line = qobject_cast<QLineEdit*>(editor))
            line->setText(formatValue(v, field.kind));
    }
    m_filling = false;
}

QString ConfigForm::editorText(const ConfigField& field) const
{
    auto* editor = m_editors.value(QString::fromUtf8(field.key));
    if (auto* box = qobject_cast<QCheckBox*>(editor))
        return box->isChecked() ? "true" : "false";
    if (auto* combo = qobject_cast<QComboBox*>(editor))
        return combo->currentText();
    if (auto* line = qobject_cast<QLineEdit*>(editor))
        return line->text().trimmed();
    return {};
}

void ConfigForm::revalidate()
{
    if (m_filling)
        return;
    TrainConfig config = m_base;
    QHash<QString, QStringList> messages;
    QStringList problems, general;
    for (const auto& field : configFields()) {
        const QString key = QString::fromUtf8(field.key);
        if (!m_editors.contains(key))
            continue;
        try {
            setConfigField(config, field, editorText(field));
        } catch (const StudioError& e) {
            messages[key].append(QString::fromUtf8(e.what()));
            problems.append(QString::fromUtf8(e.what()));
        }
    }
    auto found = configProblems(config);
    try {
        checkPrecision(config.precision); // what this machine cannot run
    } catch (const StudioError& e) {
        found.push_back(e.what());
    }
    for (const auto& p : found) {
        const QString problem = QString::fromStdString(p);
        const QString key = keyOfProblem(problem);
        if (m_editors.contains(key) && !messages.contains(key))
            messages[key].append(problem);
        else if (!m_editors.contains(key))
            general.append(problem);
        problems.append(problem);
    }
    m_config = config;
    m_problems = problems;
    for (auto it = m_messages.begin(); it != m_messages.end(); ++it) {
        const auto text = messages.value(it.key()).join('\n');
        it.value()->setText(text);
        it.value()->setVisible(!text.isEmpty());
        const bool applies = configFieldApplies(config, it.key().toStdString());
        m_editors.value(it.key())->setEnabled(applies);
        m_labels.value(it.key())->setEnabled(applies);
    }
    m_generalMessage->setText(general.join('\n'));
    m_generalMessage->setVisible(!general.isEmpty());
    Q_EMIT changed();
}

QString ConfigForm::messageFor(const QString& key) const
{
    const auto* label = m_messages.value(key);
    return label ? label->text() : QString();
}

} // namespace studio::ui
