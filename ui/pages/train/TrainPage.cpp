#include "TrainPage.h"

#include "ArchitecturePanel.h"
#include "AugmentationPreview.h"
#include "ClassAccuracyStrip.h"
#include "ConfigForm.h"
#include "DataSource.h"
#include "DatasetPanel.h"
#include "ModelCatalog.h"
#include "RunHistory.h"
#include "RunsService.h"
#include "TrainControls.h"
#include "TrainingCharts.h"

#include "data/DatasetSearch.h"
#include "runs/RunStore.h"
#include "training/LrSchedule.h"
#include "training/Presets.h"
#include "util/StudioError.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>

namespace studio::ui {
namespace {

constexpr qint64 kMnistTrainImages = 60000; // for the schedule preview before a dataset loads

QGroupBox* group(const QString& title, QWidget* content, QWidget* parent)
{
    auto* box = new QGroupBox(title, parent);
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(content);
    return box;
}

} // namespace

TrainPage::TrainPage(DataSource* data, TrainingSession* session, RunsService* runs, QWidget* parent)
    : QWidget(parent), m_data(data), m_session(session), m_runs(runs), m_catalog(new ModelCatalog(this)),
      m_dataset(new DatasetPanel(data, this)), m_presets(new QComboBox(this)),
      m_architecture(new ArchitecturePanel(m_catalog, this)), m_form(new ConfigForm(this)),
      m_preview(new AugmentationPreview(this)), m_controls(new TrainControls(this)), m_charts(new TrainingCharts(this))
{
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(6, 0, 0, 0);
    rightLayout->addWidget(m_controls);
    rightLayout->addWidget(m_charts, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName("trainSplitter");
    splitter->addWidget(buildSetupPanel());
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setCollapsible(1, false);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(splitter);

    connect(m_architecture, &ArchitecturePanel::architectureChanged, m_form, &ConfigForm::setModel);
    connect(m_form, &ConfigForm::changed, this, &TrainPage::onFormChanged);
    connect(m_presets, &QComboBox::activated, this, &TrainPage::applyPreset);
    connect(m_data, &DataSource::loaded, this, [this](const DatasetSummary& s) {
        m_preview->setSamples(s.samples, s.mean, s.std);
        onFormChanged();
    });
    connect(m_data, &DataSource::loadingStarted, this, &TrainPage::updateControls);
    connect(m_data, &DataSource::failed, this, &TrainPage::updateControls);
    connect(m_controls, &TrainControls::startClicked, this, &TrainPage::start);
    connect(m_controls, &TrainControls::pauseClicked, m_session, &TrainingSession::pause);
    connect(m_controls, &TrainControls::resumeClicked, m_session, &TrainingSession::resume);
    connect(m_controls, &TrainControls::stopClicked, m_session, &TrainingSession::stop);
    connectSession();
    m_architecture->setCurrentId(QString::fromStdString(m_form->config().model));
    onFormChanged();
}

QWidget* TrainPage::buildSetupPanel()
{
    m_setup = new QWidget;
    auto* layout = new QVBoxLayout(m_setup);
    layout->setContentsMargins(0, 0, 8, 0);

    layout->addWidget(group(tr("Dataset"), m_dataset, m_setup));

    auto* recipe = new QWidget(m_setup);
    auto* recipeRow = new QHBoxLayout(recipe);
    recipeRow->setContentsMargins(0, 0, 0, 0);
    m_presets->setObjectName("preset");
    m_presets->addItem(tr("Choose a preset…"));
    for (const auto& preset : presets())
        m_presets->addItem(QString::fromStdString(preset.id), QString::fromStdString(preset.id));
    for (int i = 1; i < m_presets->count(); ++i)
        m_presets->setItemData(i, QString::fromStdString(presets()[std::size_t(i - 1)].description), Qt::ToolTipRole);
    auto* load = new QPushButton(tr("Load…"), recipe);
    auto* save = new QPushButton(tr("Save…"), recipe);
    load->setObjectName("loadConfig");
    save->setObjectName("saveConfig");
    load->setToolTip(tr("Load a config JSON (seed 000's config.json loads as is)"));
    save->setToolTip(tr("Save this configuration as JSON"));
    recipeRow->addWidget(m_presets, 1);
    recipeRow->addWidget(load);
    recipeRow->addWidget(save);
    connect(load, &QPushButton::clicked, this, &TrainPage::loadConfig);
    connect(save, &QPushButton::clicked, this, &TrainPage::saveConfig);
    // One line on the preset chosen, or the one under the mouse in the open list.
    auto* presetInfo = new QLabel(tr("Presets: the seeds' recipes and two fast ones, with their measured accuracy and "
                                     "time on two cores."),
                                  recipe);
    presetInfo->setObjectName("presetInfo");
    presetInfo->setWordWrap(true);
    const auto describe = [this, presetInfo](int index) {
        if (const auto* preset = findPreset(m_presets->itemData(index).toString().toStdString()))
            presetInfo->setText(QString::fromStdString(preset->id + ": " + preset->description));
    };
    connect(m_presets, &QComboBox::highlighted, this, describe);
    connect(m_presets, &QComboBox::currentIndexChanged, this, describe);
    auto* recipeBox = new QWidget(m_setup);
    auto* recipeColumn = new QVBoxLayout(recipeBox);
    recipeColumn->setContentsMargins(0, 0, 0, 0);
    recipeColumn->addWidget(recipe);
    recipeColumn->addWidget(presetInfo);
    layout->addWidget(group(tr("Recipe"), recipeBox, m_setup));

    layout->addWidget(group(tr("Architecture"), m_architecture, m_setup));
    layout->addWidget(m_form);

    auto* previewBox = new QWidget(m_setup);
    auto* previewLayout = new QVBoxLayout(previewBox);
    previewLayout->setContentsMargins(0, 0, 0, 0);
    auto* reshuffle = new QPushButton(tr("New draws"), previewBox);
    reshuffle->setObjectName("reshuffleAugmentation");
    connect(reshuffle, &QPushButton::clicked, m_preview, &AugmentationPreview::reshuffle);
    auto* caption = new QLabel(tr("Each row: a training digit, then what augmentation makes of it."), previewBox);
    caption->setWordWrap(true);
    previewLayout->addWidget(caption);
    previewLayout->addWidget(m_preview);
    previewLayout->addWidget(reshuffle, 0, Qt::AlignRight);
    layout->addWidget(group(tr("Augmentation preview"), previewBox, m_setup));
    layout->addStretch(1);

    auto* scroll = new QScrollArea;
    scroll->setObjectName("setupPanel");
    scroll->setWidget(m_setup);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(m_setup->sizeHint().width() + 24);
    return scroll;
}

void TrainPage::connectSession()
{
    connect(m_session, &TrainingSession::stateChanged, this, &TrainPage::updateControls);
    connect(m_session, &TrainingSession::runStarted, this, [this](const RunStarted& run) {
        m_showsReadiness = false;
        m_charts->beginRun(run);
        m_charts->showPlannedSchedule(run.config, run.batchesPerEpoch);
        m_controls->beginRun(run);
        m_controls->setStatus(tr("Run %1: %2, %L3 parameters, on %4: %L5 training / %L6 validation images → %7")
                                  .arg(run.runId)
                                  .arg(run.model)
                                  .arg(run.parameters)
                                  .arg(run.dataset)
                                  .arg(run.trainImages)
                                  .arg(run.validationImages)
                                  .arg(run.runDir));
    });
    connect(m_session, &TrainingSession::batchDone, this, [this](const BatchRecord& u) {
        m_charts->addBatch(u);
        m_controls->showBatch(u);
    });
    connect(m_session, &TrainingSession::epochDone, this, [this](const EpochRecord& u) {
        m_charts->addEpoch(u);
        QString validation = tr("no validation");
        if (std::isfinite(u.valAccuracy))
            validation =
                tr("val loss %1, val accuracy %2 %").arg(u.valLoss, 0, 'f', 4).arg(u.valAccuracy * 100, 0, 'f', 2);
        if (std::isfinite(u.emaValAccuracy))
            validation += tr(", weight average %1 %").arg(u.emaValAccuracy * 100, 0, 'f', 2);
        if (const int weak = u.weakestClass(); weak >= 0)
            validation += tr("; weakest class %1 (%2 %)")
                              .arg(m_charts->classStrip()->className(weak))
                              .arg(u.valClassAccuracy[std::size_t(weak)] * 100, 0, 'f', 2);
        Q_EMIT statusMessage(tr("Epoch %1/%2: train loss %3, %4%5")
                                 .arg(u.epoch)
                                 .arg(u.numEpochs)
                                 .arg(u.trainLoss, 0, 'f', 4)
                                 .arg(validation, u.isBest ? tr(" (best)") : QString()));
    });
    connect(m_session, &TrainingSession::runFinished, this, [this](const RunFinished& r) {
        m_charts->finishRun(r);
        QString text;
        const QString epochs = r.epochsCompleted == 1 ? tr("1 epoch") : tr("%1 epochs").arg(r.epochsCompleted);
        switch (r.reason) {
        case FinishReason::Completed:
            text = tr("Run %1 completed: %2 in %3 s.").arg(m_session->runId()).arg(epochs).arg(r.seconds, 0, 'f', 1);
            break;
        case FinishReason::StoppedByUser:
            text = tr("Run %1 stopped by user at step %L2 after %3; resumable.")
                       .arg(m_session->runId())
                       .arg(r.step)
                       .arg(epochs);
            break;
        default:
            text = tr("Run %1 %2: %3").arg(m_session->runId()).arg(QString::fromStdString(nameOf(r.reason)), r.message);
        }
        if (r.bestEpoch > 0)
            text += tr(" Best epoch %1: validation accuracy %2 %.")
                        .arg(r.bestEpoch)
                        .arg(r.bestValAccuracy * 100, 0, 'f', 2);
        m_controls->setStatus(text, r.reason == FinishReason::Diverged || r.reason == FinishReason::Error ||
                                        r.reason == FinishReason::Interrupted);
        m_showsReadiness = false;
        Q_EMIT statusMessage(text);
    });
    connect(m_session, &TrainingSession::failed, this, [this](const QString& message) {
        m_controls->setStatus(tr("Training could not start: %1").arg(message), true);
        m_showsReadiness = false;
        Q_EMIT statusMessage(message);
    });
}

TrainConfig TrainPage::config() const
{
    return m_form->config();
}

void TrainPage::setConfig(const TrainConfig& config)
{
    m_form->setConfig(config);
    m_architecture->setCurrentId(QString::fromStdString(config.model));
}

bool TrainPage::canStart() const
{
    return m_form->isValid() && m_data->dataset() && !m_data->isLoading() && !m_session->isActive();
}

void TrainPage::start()
{
    if (!canStart())
        return;
    m_session->start(m_form->config(), m_data->dataset(), {}, false, m_controls->processes());
}

QString TrainPage::resumeRun(qint64 runId)
{
    if (m_session->isActive())
        return tr("A run is in progress: stop it before resuming another.");
    m_runs->refresh();
    auto* store = m_runs->store();
    const auto* run = m_runs->run(runId);
    if (!store || !run)
        return store ? tr("There is no run %1 in %2.").arg(runId).arg(m_runs->location()) : m_runs->error();
    if (!run->resumable())
        return tr("Run %1 is %2: only stopped or interrupted runs can be resumed.").arg(runId).arg(run->status);
    try {
        m_charts->showHistory(runHistory(*store, runId));
    } catch (const StudioError& e) {
        return QString::fromUtf8(e.what());
    }
    setConfig(run->config);
    // The run's own data is found (or refused) on the worker thread, whatever this page has loaded.
    return m_session->resumeRun(runId, m_data->runDataSearch()) ? QString() : tr("The run could not be resumed.");
}

void TrainPage::togglePause()
{
    if (m_session->state() == TrainingSession::State::Paused)
        m_session->resume();
    else
        m_session->pause();
}

void TrainPage::stop()
{
    m_session->stop();
}

void TrainPage::applyPreset(int index)
{
    if (index <= 0)
        return;
    const auto* preset = findPreset(m_presets->itemData(index).toString().toStdString());
    if (!preset)
        return;
    auto config = preset->config;
    // Keep the machine-specific choices of the current form.
    const auto current = m_form->config();
    config.threads = current.threads;
    setConfig(config);
    Q_EMIT statusMessage(
        tr("Preset %1: %2").arg(QString::fromStdString(preset->id), QString::fromStdString(preset->description)));
}

QString TrainPage::loadConfigFrom(const QString& path)
{
    try {
        std::vector<std::string> ignored;
        const auto config = loadConfigFile(path, &ignored);
        setConfig(config);
        QString text = tr("Loaded %1").arg(path);
        if (!ignored.empty()) {
            QStringList keys;
            for (const auto& key : ignored)
                keys.append(QString::fromStdString(key));
            text += tr(" (ignored: %1)").arg(keys.join(", "));
        }
        Q_EMIT statusMessage(text);
        return {};
    } catch (const StudioError& e) {
        return QString::fromUtf8(e.what());
    }
}

void TrainPage::loadConfig()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load configuration"), {}, tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    const QString error = loadConfigFrom(path);
    if (!error.isEmpty())
        QMessageBox::warning(this, tr("Cannot load configuration"), error);
}

void TrainPage::saveConfig()
{
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Save configuration"), "config.json", tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    try {
        saveConfigFile(path, m_form->config());
        Q_EMIT statusMessage(tr("Saved %1").arg(path));
    } catch (const StudioError& e) {
        QMessageBox::warning(this, tr("Cannot save configuration"), QString::fromUtf8(e.what()));
    }
}

void TrainPage::onFormChanged()
{
    const auto config = m_form->config();
    m_preview->setAugment(config.augment);
    m_showsReadiness = true; // the setup changed: the last run's outcome no longer describes it
    if (!m_session->isActive() && m_form->isValid()) {
        const qint64 available = m_data->dataset() ? m_data->summary().trainImages : kMnistTrainImages;
        m_charts->showPlannedSchedule(config, plannedBatchesPerEpoch(available, config));
    }
    updateControls();
}

void TrainPage::updateControls()
{
    const bool idle = !m_session->isActive();
    m_setup->setEnabled(idle);
    m_controls->setState(m_session->state(), canStart());
    if (!idle)
        return;
    // While idle the status line says what stands between the user and Start; the outcome of the
    // last run stays until the setup changes.
    QString readiness;
    bool problem = false;
    if (!m_form->isValid()) {
        readiness = tr("Fix the configuration to start: %1").arg(m_form->problems().join(" "));
        problem = true;
    } else if (!m_data->dataset()) {
        readiness = m_data->isLoading() ? tr("Loading the dataset…") : tr("Choose a dataset to start.");
    } else if (m_showsReadiness || m_controls->status().isEmpty()) {
        readiness = tr("Ready: %1 on %2.").arg(QString::fromStdString(m_form->config().model), m_data->summary().name);
    }
    if (!readiness.isEmpty()) {
        m_controls->setStatus(readiness, problem);
        m_showsReadiness = true;
    }
}

} // namespace studio::ui
