#include "StudyPanel.h"

#include "AblationChart.h"
#include "StudyQueue.h"

#include "util/StudioError.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace studio::ui {

StudyPanel::StudyPanel(StudyQueue* queue, QWidget* parent)
    : QWidget(parent), m_queue(queue), m_kind(new QComboBox(this)), m_field(new QComboBox(this)),
      m_values(new QLineEdit(this)), m_seeds(new QSpinBox(this)), m_start(new QPushButton(tr("Start study"), this)),
      m_cancel(new QPushButton(tr("Cancel"), this)), m_exportCsv(new QPushButton(tr("Export CSV…"), this)),
      m_progress(new QProgressBar(this)), m_status(new QLabel(this)), m_table(new QTableWidget(0, 10, this)),
      m_chart(new AblationChart(this))
{
    m_kind->setObjectName("studyKind");
    for (const auto& id : builtInStudyIds())
        m_kind->addItem(tr("Built-in: %1").arg(QString::fromStdString(id)), QString::fromStdString(id));
    m_kind->addItem(tr("One field, several values"), "field");
    m_kind->addItem(tr("Repeat over seeds"), "seeds");
    m_field->setObjectName("studyField");
    for (const auto& f : configFields())
        if (QString(f.key) != "name" && QString(f.key) != "seed")
            m_field->addItem(f.key, f.key);
    m_values->setObjectName("studyValues");
    m_values->setPlaceholderText(tr("comma-separated, the first is the base: 0.001, 0.003, 0.01"));
    m_seeds->setObjectName("studySeeds");
    m_seeds->setRange(2, 20);
    m_seeds->setValue(3);
    m_start->setObjectName("startStudy");
    m_cancel->setObjectName("cancelStudy");
    m_cancel->setEnabled(false);
    m_exportCsv->setEnabled(false);
    m_status->setObjectName("studyStatus");
    m_status->setWordWrap(true);
    m_table->setObjectName("studyTable");
    m_table->setHorizontalHeaderLabels({tr("variant"), tr("run"), tr("model"), tr("parameters"), tr("best val"),
                                        tr("test"), tr("epochs to target"), tr("epochs"), tr("time"),
                                        tr("Δ test (points)")});
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto* form = new QFormLayout;
    form->addRow(tr("Study"), m_kind);
    form->addRow(tr("Field"), m_field);
    form->addRow(tr("Values"), m_values);
    form->addRow(tr("Seeds"), m_seeds);
    auto* note = new QLabel(tr("Every variant starts from the Train page's configuration (its epochs, image limits, "
                               "seed and schedule) and changes only what the study varies."),
                            this);
    note->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addStretch(1);
    buttons->addWidget(m_exportCsv);
    auto* controls = new QWidget(this);
    auto* controlsLayout = new QVBoxLayout(controls);
    controlsLayout->setContentsMargins(0, 0, 0, 0);
    controlsLayout->addLayout(form);
    controlsLayout->addWidget(note);
    controlsLayout->addLayout(buttons);
    controlsLayout->addWidget(m_progress);
    controlsLayout->addWidget(m_status);
    controlsLayout->addStretch(1);
    auto* results = new QSplitter(Qt::Vertical, this);
    results->addWidget(m_table);
    results->addWidget(m_chart);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(controls, 2);
    layout->addWidget(results, 5);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &StudyPanel::updateInputs);
    connect(m_start, &QPushButton::clicked, this, [this] {
        if (const QString problem = startStudy(); !problem.isEmpty())
            m_status->setText(problem);
    });
    connect(m_cancel, &QPushButton::clicked, m_queue, &StudyQueue::cancel);
    connect(m_queue, &StudyQueue::progress, this, [this](int done, int total, const QString& text) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_status->setText(text);
    });
    connect(m_queue, &StudyQueue::finished, this, [this](const QString& message) {
        m_status->setText(message);
        m_start->setEnabled(true);
        m_cancel->setEnabled(false);
        showResult();
    });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export study"), "ablation.csv", tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        try {
            writeAblationCsv(path, m_queue->rows(), m_queue->study().targetAccuracy);
        } catch (const StudioError& e) {
            QMessageBox::warning(this, tr("Export study"), QString::fromUtf8(e.what()));
        }
    });
    updateInputs();
}

QString StudyPanel::statusText() const
{
    return m_status->text();
}

void StudyPanel::setKind(const QString& kind)
{
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(kind)));
}

void StudyPanel::setField(const QString& key, const QString& values)
{
    m_field->setCurrentIndex(std::max(0, m_field->findData(key)));
    m_values->setText(values);
}

void StudyPanel::setSeeds(int count)
{
    m_seeds->setValue(count);
}

void StudyPanel::updateInputs()
{
    const QString kind = m_kind->currentData().toString();
    m_field->setEnabled(kind == "field");
    m_values->setEnabled(kind == "field");
    m_seeds->setEnabled(kind == "seeds");
}

QString StudyPanel::startStudy()
{
    if (!m_base)
        return tr("No base configuration.");
    const TrainConfig base = m_base();
    const QString kind = m_kind->currentData().toString();
    AblationStudy study;
    QString name;
    try {
        validateConfig(base);
        if (kind == "field") {
            std::vector<std::string> values;
            for (const auto& v : m_values->text().split(',', Qt::SkipEmptyParts))
                values.push_back(v.trimmed().toStdString());
            if (values.size() < 2)
                return tr("Give at least two values for %1, separated by commas.").arg(m_field->currentText());
            study = customStudy(base, m_field->currentData().toString().toStdString(), values);
            name = m_field->currentText();
        } else if (kind == "seeds") {
            study.id = "seeds";
            study.description = "the same configuration over several seeds";
            for (int k = 0; k < m_seeds->value(); ++k) {
                AblationVariant v{"seed=" + std::to_string(base.seed + std::uint64_t(k)), base};
                v.config.seed = base.seed + std::uint64_t(k);
                v.config.name = v.name;
                study.variants.push_back(v);
            }
            name = tr("seeds %1").arg(QString::fromStdString(base.model));
        } else {
            study = builtInStudy(kind.toStdString(), base);
            name = kind;
        }
    } catch (const StudioError& e) {
        return QString::fromUtf8(e.what());
    }
    name += QDateTime::currentDateTime().toString(" yyyy-MM-dd hh:mm:ss");
    if (const QString problem = m_queue->start(study, name); !problem.isEmpty())
        return problem;
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
    m_exportCsv->setEnabled(false);
    m_table->setRowCount(0);
    return {};
}

void StudyPanel::showResult()
{
    const auto& rows = m_queue->rows();
    m_table->setRowCount(int(rows.size()));
    const auto set = [&](int row, int column, const QString& text) {
        auto* item = new QTableWidgetItem(text);
        if (column > 0)
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, column, item);
    };
    for (int i = 0; i < int(rows.size()); ++i) {
        const auto& r = rows[std::size_t(i)];
        set(i, 0, QString::fromStdString(r.variant));
        set(i, 1, QString::number(r.runId));
        set(i, 2, QString::fromStdString(r.model));
        set(i, 3, QLocale().toString(qlonglong(r.parameters)));
        set(i, 4, QString::number(r.bestValAccuracy * 100, 'f', 2) + " %");
        set(i, 5, r.testAccuracy < 0 ? "–" : QString::number(r.testAccuracy * 100, 'f', 2) + " %");
        set(i, 6, r.epochsToTarget > 0 ? QString::number(r.epochsToTarget) : tr("never"));
        set(i, 7, QString::number(r.epochs));
        set(i, 8, tr("%1 s").arg(r.seconds, 0, 'f', 1));
        set(i, 9, i == 0 ? tr("base") : QString::asprintf("%+.2f", r.testDifference));
    }
    m_chart->setRows(m_queue->name(), rows);
    m_exportCsv->setEnabled(!rows.empty());
}

} // namespace studio::ui
