#include "DrawPage.h"

#include "AnalysisService.h"
#include "DrawCanvas.h"
#include "DrawMapPanel.h"
#include "ProbabilityBars.h"
#include "RobustnessPanel.h"
#include "RunsService.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QTabWidget>
#include <QVBoxLayout>

namespace studio::ui {
namespace {

constexpr int kPreviewScale = 8;

} // namespace

DrawPage::DrawPage(RunsService* runs, QWidget* parent)
    : QWidget(parent), m_runs(runs), m_inference(new InferenceService(this)), m_canvas(new DrawCanvas(this)),
      m_bars(new ProbabilityBars(this)), m_robustness(new RobustnessPanel(this)), m_map(new DrawMapPanel(this)),
      m_tabs(new QTabWidget(this)), m_models(new QComboBox(this)), m_modelStatus(new QLabel(this)),
      m_preview(new QLabel(this)), m_prediction(new QLabel(this)), m_latency(new QLabel(this)),
      m_penWidth(new QSlider(Qt::Horizontal, this)), m_eraser(new QCheckBox(tr("Eraser"), this)),
      m_gradCam(new QCheckBox(tr("Grad-CAM"), this))
{
    m_gradCam->setObjectName("canvasGradCam");
    m_gradCam->setToolTip(tr("Shade where the model found the evidence for its answer (Grad-CAM of the predicted "
                             "class; input saliency for the MLP)"));
    m_models->setObjectName("drawModel");
    m_modelStatus->setObjectName("drawModelStatus");
    m_modelStatus->setWordWrap(true);
    m_preview->setObjectName("modelInputPreview");
    m_preview->setFixedSize(28 * kPreviewScale + 2, 28 * kPreviewScale + 2);
    m_preview->setStyleSheet("QLabel { background: black; border: 1px solid palette(mid); }");
    m_prediction->setObjectName("drawPrediction");
    QFont big = m_prediction->font();
    big.setPointSizeF(big.pointSizeF() * 3.2);
    big.setBold(true);
    m_prediction->setFont(big);
    m_prediction->setAlignment(Qt::AlignCenter);
    m_prediction->setMinimumWidth(90);
    m_latency->setObjectName("drawLatency");
    m_penWidth->setRange(8, 48);
    m_penWidth->setValue(m_canvas->penWidth());
    m_penWidth->setObjectName("penWidth");

    auto* undo = new QPushButton(tr("Undo"), this);
    undo->setShortcut(QKeySequence::Undo);
    auto* clear = new QPushButton(tr("Clear"), this);
    clear->setObjectName("clearCanvas");
    clear->setShortcut(QKeySequence(Qt::Key_Delete));
    auto* tools = new QHBoxLayout;
    tools->addWidget(new QLabel(tr("Pen"), this));
    tools->addWidget(m_penWidth);
    tools->addWidget(m_eraser);
    tools->addWidget(m_gradCam);
    tools->addStretch(1);
    tools->addWidget(undo);
    tools->addWidget(clear);

    auto* left = new QVBoxLayout;
    left->addLayout(tools);
    left->addWidget(m_canvas, 1);

    auto* chooseFile = new QPushButton(tr("File…"), this);
    auto* modelRow = new QHBoxLayout;
    modelRow->addWidget(m_models, 1);
    modelRow->addWidget(chooseFile);
    auto* modelBox = new QGroupBox(tr("Model"), this);
    auto* modelLayout = new QVBoxLayout(modelBox);
    modelLayout->addLayout(modelRow);
    modelLayout->addWidget(m_modelStatus);

    auto* seesBox = new QGroupBox(tr("What the model sees"), this);
    auto* seesLayout = new QHBoxLayout(seesBox);
    seesLayout->addWidget(m_preview);
    auto* verdict = new QVBoxLayout;
    verdict->addStretch(1);
    verdict->addWidget(m_prediction);
    verdict->addWidget(m_latency, 0, Qt::AlignCenter);
    verdict->addStretch(1);
    seesLayout->addLayout(verdict, 1);

    m_tabs->setObjectName("drawTabs");
    m_tabs->addTab(m_bars, tr("Probabilities"));
    m_tabs->addTab(m_robustness, tr("Robustness"));
    m_tabs->addTab(m_map, tr("Map"));

    auto* right = new QVBoxLayout;
    right->addWidget(modelBox);
    right->addWidget(seesBox);
    right->addWidget(m_tabs, 1);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->addLayout(left, 3);
    layout->addSpacing(12);
    layout->addLayout(right, 2);

    connect(m_penWidth, &QSlider::valueChanged, m_canvas, &DrawCanvas::setPenWidth);
    connect(m_eraser, &QCheckBox::toggled, m_canvas, &DrawCanvas::setEraser);
    connect(m_gradCam, &QCheckBox::toggled, this, [this](bool on) {
        m_inference->setExplaining(on);
        if (!on)
            m_canvas->setOverlay({});
        m_inference->score(m_canvas->image());
    });
    connect(undo, &QPushButton::clicked, m_canvas, &DrawCanvas::undo);
    connect(clear, &QPushButton::clicked, m_canvas, &DrawCanvas::clear);
    connect(chooseFile, &QPushButton::clicked, this, &DrawPage::chooseModelFile);
    connect(m_canvas, &DrawCanvas::changed, this, [this] { m_inference->score(m_canvas->image()); });
    connect(m_inference, &InferenceService::scored, this, &DrawPage::showScore);
    connect(m_inference, &InferenceService::swept, m_robustness, &RobustnessPanel::showSweep);
    connect(m_inference, &InferenceService::worstCase, m_robustness, &RobustnessPanel::showWorstCase);
    connect(m_robustness, &RobustnessPanel::worstCaseWanted, m_inference, &InferenceService::findWorstCase);
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        const bool sweeping = m_tabs->currentWidget() == m_robustness, placing = m_tabs->currentWidget() == m_map;
        m_inference->setSweeping(sweeping);
        m_inference->setPlacing(placing);
        if (sweeping || placing)
            m_inference->score(m_canvas->image());
    });
    connect(m_inference, &InferenceService::modelLoaded, this,
            [this](const QString& path, const QString& description, const QStringList& classNames) {
                m_classNames = classNames;
                m_bars->setClassNames(classNames);
                m_robustness->setClassNames(classNames);
                m_map->setCheckpoint(path);
                m_modelStatus->setText(description + "\n" + QDir::toNativeSeparators(path));
                m_modelStatus->setStyleSheet({});
                m_inference->score(m_canvas->image());
            });
    connect(m_inference, &InferenceService::placed, this, [this](std::optional<QPointF> at) {
        m_map->showPlacement(
            at, m_predicted < 0
                    ? QString()
                    : tr("your drawing: %1").arg(m_classNames.value(m_predicted, QString::number(m_predicted))));
    });
    connect(m_map, &DrawMapPanel::useModel, this, &DrawPage::useCheckpoint);
    connect(m_inference, &InferenceService::failed, this, [this](const QString& message) {
        m_modelStatus->setText(message);
        m_modelStatus->setStyleSheet("color: #c62828;");
    });
    connect(m_models, &QComboBox::currentIndexChanged, this, [this] {
        const QString path = m_models->currentData().toString();
        if (!path.isEmpty())
            useCheckpoint(path);
    });
    showScore({});
}

QString DrawPage::modelStatus() const
{
    return m_modelStatus->text();
}

QString DrawPage::predictionText() const
{
    return m_prediction->text();
}

void DrawPage::showEvent(QShowEvent* event)
{
    refreshModels();
    QWidget::showEvent(event);
}

void DrawPage::refreshModels()
{
    const QString current = m_models->currentData().toString();
    QSignalBlocker block(m_models);
    m_models->clear();
    m_runs->refresh();
    for (const auto& choice : m_runs->checkpoints())
        m_models->addItem(choice.label, choice.path);
    if (!m_runs->error().isEmpty())
        m_modelStatus->setText(m_runs->error());
    int index = m_models->findData(current);
    if (index < 0 && !current.isEmpty()) {
        m_models->addItem(QDir::toNativeSeparators(current), current);
        index = m_models->count() - 1;
    }
    if (m_models->count() == 0) {
        m_modelStatus->setText(tr("No trained model yet: train one on the Train page (or pick a checkpoint file)."));
        return;
    }
    m_models->setCurrentIndex(std::max(0, index));
    if (current.isEmpty())
        useCheckpoint(m_models->currentData().toString());
}

void DrawPage::useCheckpoint(const QString& path)
{
    {
        QSignalBlocker block(m_models); // the chooser shows the model in use
        int index = m_models->findData(path);
        if (index < 0) {
            m_models->addItem(QDir::toNativeSeparators(path), path);
            index = m_models->count() - 1;
        }
        m_models->setCurrentIndex(index);
    }
    m_checkpoint = path;
    m_modelStatus->setText(tr("Loading %1 …").arg(QDir::toNativeSeparators(path)));
    m_inference->setCheckpoint(path);
}

void DrawPage::openImage(const QImage& image)
{
    m_canvas->setImage(image);
}

void DrawPage::checkRobustness(const QImage& image, const QString& checkpoint)
{
    if (!checkpoint.isEmpty() && checkpoint != m_checkpoint)
        useCheckpoint(checkpoint);
    showRobustness();
    openImage(image);
}

void DrawPage::showRobustness()
{
    m_tabs->setCurrentWidget(m_robustness);
}

void DrawPage::setMap(const std::shared_ptr<const MapLayout>& layout)
{
    m_map->setMap(layout);
    m_inference->setMap(layout->map, layout->analysis->checkpoint);
}

void DrawPage::showMap()
{
    m_tabs->setCurrentWidget(m_map);
}

void DrawPage::chooseModelFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Checkpoint"), m_runs->runsFolder(), tr("Checkpoints (*.pt)"));
    if (!path.isEmpty())
        useCheckpoint(path);
}

void DrawPage::showScore(const CanvasScore& score)
{
    m_input = score.input28;
    m_predicted = score.empty ? -1 : score.predicted;
    QImage shown = score.input28.isNull() ? QImage(28, 28, QImage::Format_Grayscale8) : score.input28;
    if (score.input28.isNull())
        shown.fill(0);
    m_preview->setPixmap(QPixmap::fromImage(shown.scaled(28 * kPreviewScale, 28 * kPreviewScale)));
    m_bars->setProbabilities(score.empty ? std::vector<float>{} : score.probabilities);
    m_robustness->drawingChanged(score.empty);
    m_prediction->setText(score.empty ? QStringLiteral("–")
                                      : m_classNames.value(score.predicted, QString::number(score.predicted)));
    const bool explained = m_gradCam->isChecked() && !score.method.isEmpty();
    m_latency->setText(score.milliseconds > 0 ? tr("%1 ms").arg(score.milliseconds, 0, 'f', 2) +
                                                    (explained ? "\n" + score.method : QString())
                                              : QString());
    m_canvas->setOverlay(explained ? score.overlay : QImage());
}

} // namespace studio::ui
