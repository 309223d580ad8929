#include "ArchitecturePanel.h"

#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace studio::ui {
namespace {

QString bytesText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

/// 4.24 M, 225.8 k, 640: multiply-add counts at a glance.
QString countText(qint64 n)
{
    if (n >= 1000000)
        return QObject::tr("%L1 M").arg(double(n) / 1e6, 0, 'f', 2);
    if (n >= 1000)
        return QObject::tr("%L1 k").arg(double(n) / 1e3, 0, 'f', 1);
    return QLocale().toString(n);
}

QTableWidgetItem* cell(const QString& text, bool number = false)
{
    auto* item = new QTableWidgetItem(text);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

} // namespace

ArchitecturePanel::ArchitecturePanel(ModelCatalog* catalog, QWidget* parent)
    : QWidget(parent), m_catalog(catalog), m_architectures(ModelCatalog::architectures()),
      m_picker(new QComboBox(this)), m_description(new QLabel(this)), m_parameters(new QLabel(this)),
      m_table(new QTableWidget(0, 5, this))
{
    m_picker->setObjectName("architecture");
    for (const auto& a : m_architectures)
        m_picker->addItem(a.displayName, a.id);
    m_description->setWordWrap(true);
    m_parameters->setObjectName("parameterCount");
    m_parameters->setWordWrap(true);
    QFont bold = m_parameters->font();
    bold.setBold(true);
    m_parameters->setFont(bold);
    m_table->setObjectName("modelSummary");
    m_table->setHorizontalHeaderLabels({tr("Layer"), tr("Output"), tr("Params"), tr("Memory"), tr("Mult-adds")});
    m_table->horizontalHeaderItem(4)->setToolTip(tr("Multiply-adds of the layer for one image, forward pass"));
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setAlternatingRowColors(true);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int c = 1; c < 5; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_picker);
    layout->addWidget(m_description);
    layout->addWidget(m_parameters);
    layout->addWidget(m_table);

    connect(m_picker, &QComboBox::currentIndexChanged, this, [this] {
        showArchitecture();
        Q_EMIT architectureChanged(currentId());
    });
    connect(m_catalog, &ModelCatalog::summaryReady, this, [this](const ArchitectureSummary& s) {
        if (s.id == currentId())
            showSummary(s);
    });
    showArchitecture();
}

QString ArchitecturePanel::currentId() const
{
    return m_picker->currentData().toString();
}

void ArchitecturePanel::setCurrentId(const QString& id)
{
    const int index = m_picker->findData(id);
    if (index >= 0)
        m_picker->setCurrentIndex(index);
}

QString ArchitecturePanel::parameterText() const
{
    return m_parameters->text();
}

int ArchitecturePanel::summaryRows() const
{
    return m_table->rowCount();
}

void ArchitecturePanel::showArchitecture()
{
    const int index = m_picker->currentIndex();
    if (index < 0)
        return;
    const auto& a = m_architectures[index];
    m_description->setText(a.description);
    m_parameters->setText(tr("counting parameters…"));
    m_table->setRowCount(0);
    m_catalog->requestSummary(a.id);
}

void ArchitecturePanel::showSummary(const ArchitectureSummary& s)
{
    const auto& a = m_architectures[m_picker->currentIndex()];
    m_parameters->setText(tr("%L1 parameters · %2 multiply-adds · %3 activations per image · seed %4")
                              .arg(s.parameters)
                              .arg(countText(s.multiplyAdds), bytesText(s.activationBytes), a.seed));
    m_parameters->setToolTip(tr("Per image: %L1 multiply-adds forward, %L2 for a training step (forward and "
                                "backward)")
                                 .arg(s.multiplyAdds)
                                 .arg(s.trainingMultiplyAdds));
    m_table->setRowCount(int(s.rows.size()));
    const int rowHeight = m_table->verticalHeader()->defaultSectionSize();
    m_table->setFixedHeight(std::min(14, int(s.rows.size()) + 1) * rowHeight + 2 * m_table->frameWidth() + 4);
    for (int r = 0; r < s.rows.size(); ++r) {
        const auto& row = s.rows[r];
        auto* name = cell(row.name);
        name->setToolTip(row.type);
        m_table->setItem(r, 0, name);
        m_table->setItem(r, 1, cell(row.shape));
        m_table->setItem(r, 2, cell(QLocale().toString(row.parameters), true));
        m_table->setItem(r, 3, cell(bytesText(row.activationBytes), true));
        m_table->setItem(r, 4, cell(countText(row.multiplyAdds), true));
    }
}

} // namespace studio::ui
