#include "SweepForm.h"

#include "util/StudioError.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>

namespace studio::ui {
namespace {

/// "field=values" as the CLI's --grid and --space take it; a range ("..") is a random axis.
QString axisText(const QString& field, const QString& values)
{
    return field + "=" + values.trimmed();
}

bool isRange(const QString& text)
{
    return text.contains("..");
}

} // namespace

SweepForm::SweepForm(QWidget* parent)
    : QWidget(parent), m_field(new QComboBox(this)), m_values(new QLineEdit(this)),
      m_add(new QPushButton(tr("Add axis"), this)), m_axes(new QListWidget(this)),
      m_remove(new QPushButton(tr("Remove"), this)), m_draws(new QSpinBox(this)), m_seeds(new QSpinBox(this)),
      m_metric(new QComboBox(this)), m_name(new QLineEdit(this))
{
    m_field->setObjectName("sweepField");
    for (const auto& f : configFields())
        if (QString(f.key) != "name" && QString(f.key) != "seed") {
            m_field->addItem(f.key, f.key);
            m_field->setItemData(m_field->count() - 1, QString::fromUtf8(f.help), Qt::ToolTipRole);
        }
    m_field->setCurrentIndex(std::max(0, m_field->findData("learning_rate")));
    m_values->setObjectName("sweepValues");
    m_values->setPlaceholderText(tr("1e-3, 3e-3, 1e-2   or a range: 0..0.5, log:1e-6..1e-3"));
    m_values->setToolTip(tr("Values separated by commas make a grid axis (every combination is trained); a range "
                            "LOW..HIGH (log: for a log-uniform draw) makes a random axis, drawn once per random "
                            "draw."));
    m_add->setObjectName("addSweepAxis");
    m_axes->setObjectName("sweepAxes");
    m_axes->setMaximumHeight(90);
    m_remove->setObjectName("removeSweepAxis");
    m_draws->setObjectName("sweepDraws");
    m_draws->setRange(0, 1000);
    m_draws->setSpecialValueText(tr("none (grid only)"));
    m_draws->setToolTip(tr("Random draws of the range axes at each grid point"));
    m_seeds->setObjectName("sweepSeeds");
    m_seeds->setRange(1, 20);
    m_seeds->setToolTip(tr("Each point trained with this many seeds (the base seed, +1, …)"));
    m_metric->setObjectName("sweepMetric");
    m_metric->addItem(tr("best validation accuracy"), "val_acc");
    m_metric->addItem(tr("test accuracy"), "test_acc");
    m_name->setObjectName("sweepName");
    m_name->setPlaceholderText("sweep");

    auto* valuesRow = new QHBoxLayout;
    valuesRow->addWidget(m_values, 1);
    valuesRow->addWidget(m_add);
    auto* axesRow = new QHBoxLayout;
    axesRow->addWidget(m_axes, 1);
    axesRow->addWidget(m_remove, 0, Qt::AlignTop);
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(tr("Field"), m_field);
    form->addRow(tr("Values"), valuesRow);
    form->addRow(tr("Axes"), axesRow);
    form->addRow(tr("Random draws"), m_draws);
    form->addRow(tr("Seeds"), m_seeds);
    form->addRow(tr("Best by"), m_metric);
    form->addRow(tr("Name"), m_name);

    const auto add = [this] {
        if (const QString p = addAxis(m_field->currentData().toString(), m_values->text()); p.isEmpty())
            m_values->clear();
    };
    connect(m_add, &QPushButton::clicked, this, add);
    connect(m_values, &QLineEdit::returnPressed, this, add);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeAxis(m_axes->currentRow()); });
}

QString SweepForm::addAxis(const QString& field, const QString& values)
{
    const QString text = axisText(field, values);
    QString problem;
    try {
        if (isRange(values))
            parseRandomAxis(text.toStdString());
        else
            parseGridAxis(text.toStdString());
    } catch (const StudioError& e) {
        problem = QString::fromUtf8(e.what());
    }
    if (values.trimmed().isEmpty())
        problem = tr("Give values for %1: \"a, b, c\" or a range \"low..high\".").arg(field);
    if (!problem.isEmpty()) {
        Q_EMIT this->problem(problem);
        return problem;
    }
    for (int i = 0; i < m_axes->count(); ++i)
        if (m_axes->item(i)->data(Qt::UserRole).toString() == field)
            delete m_axes->takeItem(i--);
    auto* item = new QListWidgetItem(isRange(values) ? tr("%1 drawn from %2").arg(field, values.trimmed())
                                                     : tr("%1 ∈ {%2}").arg(field, values.trimmed()),
                                     m_axes);
    item->setData(Qt::UserRole, field);
    item->setData(Qt::UserRole + 1, values.trimmed());
    if (isRange(values) && m_draws->value() == 0)
        m_draws->setValue(8);
    return {};
}

void SweepForm::removeAxis(int row)
{
    if (row >= 0 && row < m_axes->count())
        delete m_axes->takeItem(row);
}

int SweepForm::axisCount() const
{
    return m_axes->count();
}

void SweepForm::setRandomDraws(int draws)
{
    m_draws->setValue(draws);
}

void SweepForm::setSeeds(int seeds)
{
    m_seeds->setValue(seeds);
}

void SweepForm::setMetric(const QString& metric)
{
    m_metric->setCurrentIndex(std::max(0, m_metric->findData(metric)));
}

void SweepForm::setName(const QString& name)
{
    m_name->setText(name);
}

QString SweepForm::name() const
{
    return m_name->text().trimmed().isEmpty() ? QString("sweep") : m_name->text().trimmed();
}

SweepSpec SweepForm::spec(const TrainConfig& base) const
{
    SweepSpec spec;
    spec.base = base;
    spec.base.name.clear();
    for (int i = 0; i < m_axes->count(); ++i) {
        const QString field = m_axes->item(i)->data(Qt::UserRole).toString();
        const QString values = m_axes->item(i)->data(Qt::UserRole + 1).toString();
        if (isRange(values))
            spec.space.push_back(parseRandomAxis(axisText(field, values).toStdString()));
        else
            spec.grid.push_back(parseGridAxis(axisText(field, values).toStdString()));
    }
    spec.randomSamples = spec.space.empty() ? 0 : m_draws->value();
    if (!spec.space.empty() && spec.randomSamples == 0)
        throw StudioError("Range axes need random draws: set how many (Random draws).");
    spec.seeds = m_seeds->value();
    spec.metric = m_metric->currentData().toString().toStdString();
    if (spec.grid.empty() && spec.space.empty() && spec.seeds == 1)
        throw StudioError("A sweep needs something to vary: add an axis (a field and its values) or more seeds.");
    return spec;
}

} // namespace studio::ui
