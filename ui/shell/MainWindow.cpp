#include "MainWindow.h"

#include "AnalyzePage.h"
#include "EmbeddingPanel.h"
#include "DataSource.h"
#include "DatasetPanel.h"
#include "DrawPage.h"
#include "ExportModelDialog.h"
#include "RunsPage.h"
#include "SweepWorkers.h"
#include "RunsService.h"
#include "TrainPage.h"
#include "TrainingSession.h"

#include "util/LibraryVersions.h"
#include "util/StudioError.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QJsonDocument>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSet>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>

namespace studio::ui {

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent), m_data(new DataSource(options.dataFolder, this)),
      m_runs(new RunsService(options.runsFolder, this)), m_session(new TrainingSession(m_runs->folder(), this)),
      m_pages(new QStackedWidget(this)), m_pageActions(new QActionGroup(this)), m_runState(new QLabel(this))
{
    setObjectName("mainWindow");
    setWindowTitle(tr("MNIST Studio"));
    setWindowIcon(QIcon(":/icons/mnist-studio.svg"));
    buildPages();
    buildMenus();
    m_runState->setObjectName("runState");
    statusBar()->addPermanentWidget(m_runState);
    connect(m_trainPage, &TrainPage::statusMessage, this,
            [this](const QString& text) { statusBar()->showMessage(text); });
    connect(m_session, &TrainingSession::stateChanged, this, [this](TrainingSession::State state) {
        static const char* names[] = {QT_TR_NOOP("idle"), QT_TR_NOOP("training"), QT_TR_NOOP("paused"),
                                      QT_TR_NOOP("stopping…")};
        const QString run = m_session->runId() > 0 ? tr(" · run %1").arg(m_session->runId()) : QString();
        m_runState->setText(tr(names[int(state)]) + (state == TrainingSession::State::Idle ? QString() : run));
    });
    m_runState->setText(tr("idle"));
    restoreSettings();
}

MainWindow::~MainWindow()
{
    m_session->stopAndWait();
}

void MainWindow::buildPages()
{
    m_trainPage = new TrainPage(m_data, m_session, m_runs, m_pages);
    m_pages->addWidget(m_trainPage);
    auto* analyze = new AnalyzePage(m_data, m_runs, m_pages);
    m_pages->addWidget(analyze);
    connect(m_session, &TrainingSession::runFinished, analyze, [analyze] { analyze->refreshRuns(); });
    m_drawPage = new DrawPage(m_runs, m_pages);
    m_pages->addWidget(m_drawPage);
    connect(m_session, &TrainingSession::runFinished, m_drawPage, [this] { m_drawPage->refreshModels(); });
    connect(analyze, &AnalyzePage::openInCanvas, this, [this](const QImage& image) {
        m_drawPage->openImage(image);
        showPage(Draw);
    });
    connect(analyze, &AnalyzePage::robustnessWanted, this, [this](const QImage& image, const QString& checkpoint) {
        m_drawPage->checkRobustness(image, checkpoint);
        showPage(Draw);
    });
    connect(analyze->embedding(), &EmbeddingPanel::mapShown, m_drawPage, &DrawPage::setMap);
    m_analyzePage = analyze;
    m_runsPage = new RunsPage(m_session, m_data, m_runs, m_pages);
    m_pages->addWidget(m_runsPage);
    m_runsPage->setBaseConfig([this] { return m_trainPage->config(); });
    connect(m_runsPage, &RunsPage::resumeRequested, this, [this](qint64 runId) {
        const QString problem = m_trainPage->resumeRun(runId);
        if (!problem.isEmpty()) {
            QMessageBox::warning(this, tr("Resume run %1").arg(runId), problem);
            return;
        }
        showPage(Train);
    });
    connect(m_runsPage, &RunsPage::analyzeRequested, this, [this](const QString& checkpoint) {
        m_analyzePage->analyse(checkpoint);
        showPage(Analyze);
    });
    connect(m_runsPage, &RunsPage::cloneRequested, this, [this](const TrainConfig& config) {
        m_trainPage->setConfig(config);
        showPage(Train);
        statusBar()->showMessage(tr("Configuration cloned: change what you like and press Start."));
    });
    setCentralWidget(m_pages);

    auto* bar = new QToolBar(tr("Pages"), this);
    bar->setObjectName("pageBar");
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextUnderIcon);
    bar->setIconSize(QSize(26, 26));
    addToolBar(Qt::LeftToolBarArea, bar);
    const struct {
        const char* name;
        const char* icon;
    } pages[] = {{QT_TR_NOOP("Train"), "train"},
                 {QT_TR_NOOP("Analyze"), "analyze"},
                 {QT_TR_NOOP("Draw"), "draw"},
                 {QT_TR_NOOP("Runs"), "runs"}};
    for (int i = 0; i < 4; ++i) {
        auto* action = bar->addAction(QIcon(QStringLiteral(":/icons/%1.svg").arg(pages[i].icon)), tr(pages[i].name));
        action->setObjectName(QStringLiteral("page_%1").arg(pages[i].icon));
        action->setCheckable(true);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        action->setToolTip(tr("%1 (%2)").arg(tr(pages[i].name), action->shortcut().toString(QKeySequence::NativeText)));
        m_pageActions->addAction(action);
        connect(action, &QAction::triggered, this, [this, i] { showPage(Page(i)); });
    }
    m_pageActions->actions().first()->setChecked(true);
}

void MainWindow::buildMenus()
{
    auto* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open configuration…"), QKeySequence::Open, m_trainPage, &TrainPage::loadConfig);
    file->addAction(tr("&Save configuration…"), QKeySequence::Save, m_trainPage, &TrainPage::saveConfig);
    file->addSeparator();
    file->addAction(tr("&Export model…"), QKeySequence(Qt::CTRL | Qt::Key_E), this, &MainWindow::exportModel)
        ->setObjectName("exportModelAction");
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    auto* training = menuBar()->addMenu(tr("&Training"));
    auto* start =
        training->addAction(tr("&Start"), QKeySequence(Qt::CTRL | Qt::Key_Return), m_trainPage, &TrainPage::start);
    start->setObjectName("startAction");
    auto* pause = training->addAction(tr("&Pause / Resume"), QKeySequence(Qt::CTRL | Qt::Key_P), m_trainPage,
                                      &TrainPage::togglePause);
    pause->setObjectName("pauseAction");
    auto* stop =
        training->addAction(tr("S&top"), QKeySequence(Qt::CTRL | Qt::Key_Period), m_trainPage, &TrainPage::stop);
    stop->setObjectName("stopAction");

    auto* view = menuBar()->addMenu(tr("&View"));
    view->addActions(m_pageActions->actions());

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About MNIST Studio"), this, &MainWindow::showAbout);
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    m_pageActions->actions().at(int(page))->setChecked(true);
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_pages->currentIndex());
}

QString MainWindow::aboutText()
{
    return tr("<h3>MNIST Studio %1</h3><p>Train and understand digit classifiers.</p>"
              "<p>Qt %2 · LibTorch %3 · OpenCV %4</p>")
        .arg(QString::fromStdString(studioVersion()), QString::fromLatin1(qVersion()),
             QString::fromStdString(libtorchVersion()), QString::fromStdString(opencvVersion()));
}

bool MainWindow::selfTest(QStringList& lines)
{
    static const char* names[] = {"Train", "Analyze", "Draw", "Runs"};
    bool ok = true;
    for (int i = 0; i < 4; ++i) {
        showPage(Page(i));
        QCoreApplication::processEvents();
        const QImage shot = grab().toImage();
        QSet<QRgb> colours;
        for (int y = 0; y < shot.height() && colours.size() < 64; y += 7)
            for (int x = 0; x < shot.width() && colours.size() < 64; x += 7)
                colours.insert(shot.pixel(x, y));
        const bool drawn = !shot.isNull() && colours.size() > 1;
        ok = ok && drawn;
        lines << QString("%1 page: %2 (%3×%4, %5%6 colours)")
                     .arg(names[i], drawn ? "ok" : "FAILED")
                     .arg(shot.width())
                     .arg(shot.height())
                     .arg(colours.size() >= 64 ? "≥ " : "")
                     .arg(colours.size());
    }
    return ok;
}

void MainWindow::exportModel()
{
    m_runs->refresh();                             // the runs as they are now
    const auto* shown = m_analyzePage->analysis(); // the model being looked at comes first
    auto* dialog = new ExportModelDialog(m_runs, shown ? shown->checkpoint : QString(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About MNIST Studio"), aboutText());
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value("window/geometry").toByteArray()))
        resize(1440, 900);
    restoreState(settings.value("window/state").toByteArray());
    const auto saved = settings.value("train/config").toByteArray();
    if (!saved.isEmpty()) {
        try {
            m_trainPage->setConfig(configFromJson(QJsonDocument::fromJson(saved).object()));
        } catch (const StudioError& e) {
            statusBar()->showMessage(tr("The last configuration could not be restored: %1").arg(e.what()));
        }
    }
    auto* datasets = m_trainPage->datasetPanel();
    datasets->setExtraFolders(settings.value("data/folders").toStringList());
    connect(datasets, &DatasetPanel::extraFoldersChanged, this,
            [](const QStringList& folders) { QSettings().setValue("data/folders", folders); });
    const QString last = settings.value("data/current").toString();
    if (!(DataSource::holdsDataset(last) && datasets->selectFolder(last)) && !datasets->currentFolder().isEmpty())
        datasets->selectFolder(datasets->currentFolder());
    showPage(Page(std::clamp(settings.value("window/page", 0).toInt(), 0, 3)));
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    settings.setValue("window/page", int(currentPage()));
    settings.setValue("train/config",
                      QJsonDocument(configToJson(m_trainPage->config())).toJson(QJsonDocument::Compact));
    settings.setValue("data/current", m_trainPage->datasetPanel()->currentFolder());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    // Stop after the current batch; the trainer writes latest.pt and records why the run ended.
    // Sweep workers are told at once and stop alongside (their runs stay resumable).
    m_runsPage->sweepWorkers()->stop();
    m_session->stopAndWait();
    saveSettings();
    event->accept();
}

} // namespace studio::ui
