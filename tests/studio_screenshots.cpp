// Screenshots of the studio's pages for docs/screenshots/: the real window, offscreen, after a
// short real training run. Usage: studio_screenshots OUT_DIR MNIST_DIR (scripts/screenshots.sh).
#include "AnalysisService.h"
#include "AnalyzePage.h"
#include "ConfigForm.h"
#include "DataSource.h"
#include "DatasetPanel.h"
#include "DrawCanvas.h"
#include "DrawPage.h"
#include "LiveChart.h"
#include "MainWindow.h"
#include "RunsPage.h"
#include "RunsTableModel.h"
#include "SeedGroupsView.h"
#include "StudyPanel.h"
#include "StudyQueue.h"
#include "SweepForm.h"
#include "SweepPanel.h"
#include "SweepWorkers.h"
#include "ParallelCoordinates.h"
#include "DrawMapPanel.h"
#include "EmbeddingPanel.h"
#include "EmbeddingService.h"
#include "EmbeddingView.h"
#include "RobustnessPanel.h"
#include "RobustnessView.h"
#include "TrainPage.h"
#include "TrainingCharts.h"
#include "TrainingSession.h"

#include "data/DataLocator.h"
#include "training/Presets.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QDir>
#include <QElapsedTimer>
#include <QPainter>
#include <QPalette>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSpinBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>

#include <cstdio>
#include <functional>

using namespace studio;
using namespace studio::ui;

namespace {

bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(20);
    }
    return true;
}

void save(QWidget* window, const QString& path)
{
    QCoreApplication::processEvents();
    window->grab().save(path);
    std::printf("wrote %s\n", qPrintable(path));
}

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::WindowText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Base, QColor(0x1f, 0x21, 0x24));
    p.setColor(QPalette::AlternateBase, QColor(0x2b, 0x2d, 0x31));
    p.setColor(QPalette::Text, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3c));
    p.setColor(QPalette::ButtonText, QColor(0xe6, 0xe6, 0xe6));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x7e, 0xd6));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Mid, QColor(0x55, 0x58, 0x5e));
    p.setColor(QPalette::PlaceholderText, QColor(0x9a, 0x9a, 0x9a));
    for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, QColor(0x7a, 0x7c, 0x80));
    p.setColor(QPalette::Disabled, QPalette::Base, QColor(0x2b, 0x2d, 0x31));
    return p;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    if (argc < 3) {
        std::fprintf(stderr, "usage: studio_screenshots OUT_DIR MNIST_DIR\n");
        return 2;
    }
    const QString out = QString::fromLocal8Bit(argv[1]);
    QDir().mkpath(out);
    QTemporaryDir scratch;
    QSettings::setDefaultFormat(QSettings::IniFormat);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, scratch.filePath("settings"));

    MainWindow window({QString::fromLocal8Bit(argv[2]), scratch.filePath("runs")});
    window.resize(1500, 940);
    window.show();
    auto* page = window.trainPage();
    if (!waitFor([&] { return page->canStart(); }, 60000)) {
        std::fprintf(stderr, "the dataset did not load\n");
        return 1;
    }
    auto config = findPreset("fast")->config;
    config.limitTrain = 15000;
    config.numEpochs = 3;
    config.augment.enabled = true;
    config.emaDecay = 0.99; // the weight average: a second validation curve
    config.threads = 1;
    page->setConfig(config);
    page->findChild<QSpinBox*>("processes")->setValue(2); // data-parallel: two processes of one thread
    waitFor([] { return false; }, 1500);                  // summary and augmentation preview
    save(&window, out + "/train-setup.png");
    auto* setup = page->findChild<QScrollArea*>("setupPanel");
    setup->verticalScrollBar()->setValue(setup->verticalScrollBar()->maximum());
    save(&window, out + "/train-augmentation.png");
    setup->verticalScrollBar()->setValue(0);

    page->start();
    waitFor([&] { return window.session()->state() == TrainingSession::State::Idle; }, 600000);
    page->charts()->refresh();
    auto* loss = page->charts()->lossChart();
    if (loss->sampleCount(3) > 0)
        loss->showReadoutAt(loss->positionOf(3, loss->drawnPoints(3).last()));
    save(&window, out + "/train.png");

    // The Draw page with the model just trained, scoring a hand-drawn 7.
    window.showPage(MainWindow::Draw);
    waitFor([&] { return window.drawPage()->modelStatus().contains("simple-cnn"); }, 30000);
    QImage seven(280, 280, QImage::Format_Grayscale8);
    seven.fill(0);
    {
        QPainter painter(&seven);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(Qt::white, 24, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        painter.drawPolyline(QPolygonF({{70, 70}, {205, 62}, {150, 150}, {118, 225}}));
    }
    window.drawPage()->openImage(seven);
    waitFor([&] { return window.drawPage()->predicted() >= 0; }, 10000);
    save(&window, out + "/draw.png");
    window.drawPage()->findChild<QCheckBox*>("canvasGradCam")->setChecked(true);
    waitFor([&] { return !window.drawPage()->canvas()->overlay().isNull(); }, 10000);
    save(&window, out + "/draw-gradcam.png");
    window.drawPage()->findChild<QCheckBox*>("canvasGradCam")->setChecked(false);
    // The same 7 swept over shift, rotation, scale, stroke and noise, the worst case found, the
    // pointer over the rotation plot.
    auto* robustness = window.drawPage()->robustness();
    window.drawPage()->showRobustness();
    waitFor([&] { return !robustness->view()->sweep().axes.empty(); }, 10000);
    robustness->findChild<QPushButton*>("worstCase")->click();
    waitFor([&] { return robustness->worstCaseText().contains("images tried"); }, 30000);
    robustness->view()->hover(int(studio::Perturbation::Rotation), 30);
    save(&window, out + "/draw-robustness.png");
    window.drawPage()->findChild<QTabWidget*>("drawTabs")->setCurrentIndex(0);

    // The Analyze page on the test split, the most confused pair opened, Grad-CAM on.
    window.showPage(MainWindow::Analyze);
    auto* analyze = window.analyzePage();
    analyze->refreshRuns();
    analyze->findChild<QPushButton*>("analyzeButton")->click();
    waitFor([&] { return analyze->analysis() != nullptr; }, 60000);
    const auto pairs = analyze->analysis()->evaluation.confusion.mostConfused(1);
    if (!pairs.empty())
        analyze->showCell(pairs.front().trueClass, pairs.front().predictedClass);
    analyze->findChild<QCheckBox*>("gradCam")->setChecked(true);
    waitFor([&] { return analyze->findChild<QLabel*>("detailText")->text().contains("grad-cam"); }, 20000);
    save(&window, out + "/analyze.png");
    analyze->findChild<QTabWidget*>("analyzeTabs")->setCurrentIndex(2);
    save(&window, out + "/analyze-calibration.png");
    // The embedding map: t-SNE of the 10,000 test images' features, coloured by true class, a
    // lasso around the most confident error's neighbourhood, the pointer on that error.
    auto* embedding = analyze->embedding();
    embedding->setRequest({true, 30, 1000});
    analyze->findChild<QTabWidget*>("analyzeTabs")->setCurrentWidget(embedding);
    waitFor([&] { return embedding->service()->current() && embedding->service()->current()->request.tsne; }, 300000);
    waitFor([] { return false; }, 300);
    const auto& images = analyze->analysis()->images;
    int worst = -1;
    for (std::size_t i = 0; i < images.size(); ++i)
        if (!images[i].correct() && (worst < 0 || images[i].confidence > images[std::size_t(worst)].confidence))
            worst = int(i);
    auto* map = embedding->view();
    if (worst >= 0) {
        const QPointF at = map->toWidget(embedding->service()->current()->points[std::size_t(worst)]);
        QPolygonF lasso;
        for (const QPointF corner : {QPointF(-70, -50), QPointF(60, -70), QPointF(80, 50), QPointF(-50, 70)})
            lasso << map->toMap(at + corner);
        map->selectInside(lasso);
        map->hoverAt(at);
    }
    save(&window, out + "/analyze-embedding.png");
    if (worst >= 0) { // zoomed in: the points drawn as their images, errors framed thicker
        map->zoom(12, map->toWidget(embedding->service()->current()->points[std::size_t(worst)]));
        map->setSelection({});
        map->hoverAt(map->toWidget(embedding->service()->current()->points[std::size_t(worst)]));
    }
    save(&window, out + "/analyze-embedding-zoom.png");
    map->fitAll();
    analyze->findChild<QTabWidget*>("analyzeTabs")->setCurrentIndex(0);
    // The drawn 7 on that map, on the Draw page.
    window.showPage(MainWindow::Draw);
    window.drawPage()->showMap();
    window.drawPage()->openImage(seven);
    waitFor([&] { return window.drawPage()->mapPanel()->view()->marker().has_value(); }, 20000);
    save(&window, out + "/draw-map.png");
    window.drawPage()->findChild<QTabWidget*>("drawTabs")->setCurrentIndex(0);
    window.showPage(MainWindow::Analyze);
    // The same run's validation split replayed at its first epoch, most forgotten images first.
    const QString analysed = analyze->analysis()->checkpoint;
    analyze->analyse(analysed, "validation");
    waitFor([&] { return analyze->analysis() && analyze->analysis()->evaluation.split == "validation"; }, 60000);
    analyze->findChild<QSlider*>("epochSlider")->setValue(0);
    analyze->showCell(-1, -1);
    auto* order = analyze->findChild<QComboBox*>("galleryOrder");
    order->setCurrentIndex(order->findText("Most forgotten first"));
    waitFor([] { return false; }, 400); // the heat map's fade
    save(&window, out + "/analyze-replay.png");
    analyze->analyse(analysed, "test");
    waitFor([&] { return analyze->analysis() && analyze->analysis()->evaluation.split == "test"; }, 60000);

    // The Runs page after a study queued from it: four architectures, one epoch on 6,000 images,
    // then the same MLP over three seeds.
    window.showPage(MainWindow::Runs);
    auto* runs = window.runsPage();
    auto studyConfig = config;
    studyConfig.limitTrain = 6000;
    studyConfig.numEpochs = 2;
    studyConfig.augment.enabled = false;
    page->setConfig(studyConfig);
    runs->findChild<QTabWidget*>("runsTabs")->setCurrentIndex(3);
    runs->studies()->setKind("field");
    runs->studies()->setField("model", "simple-cnn, tf-cnn, tiny-v1, mlp");
    int studies = 0;
    QObject::connect(runs->queue(), &StudyQueue::finished, [&] { ++studies; });
    if (const QString problem = runs->studies()->startStudy(); !problem.isEmpty())
        std::fprintf(stderr, "study: %s\n", qPrintable(problem));
    waitFor([&] { return studies == 1; }, 600000);
    save(&window, out + "/runs-study.png");
    studyConfig.model = "mlp";
    page->setConfig(studyConfig);
    runs->studies()->setKind("seeds");
    runs->studies()->setSeeds(3);
    runs->studies()->startStudy();
    waitFor([&] { return studies == 2; }, 600000);
    window.showPage(MainWindow::Runs);
    std::vector<qint64> ids;
    for (const auto& r : runs->model()->runs())
        if (r.study.startsWith("model"))
            ids.push_back(r.id);
    runs->selectRuns(ids);
    runs->findChild<QTabWidget*>("runsTabs")->setCurrentIndex(0);
    save(&window, out + "/runs.png");
    runs->findChild<QTabWidget*>("runsTabs")->setCurrentIndex(1);
    save(&window, out + "/runs-architectures.png");
    auto* seeds = runs->seeds()->table();
    for (int row = 0; row < seeds->rowCount(); ++row) // the repeated MLP and the first architecture
        if (row == 0 || seeds->item(row, 1)->text().toInt() > 1)
            seeds->selectionModel()->select(seeds->model()->index(row, 0),
                                            QItemSelectionModel::Select | QItemSelectionModel::Rows);
    runs->findChild<QTabWidget*>("runsTabs")->setCurrentIndex(2);
    save(&window, out + "/runs-seeds.png");
    // A sweep from the Runs page: learning rate × batch size, weight decay drawn log-uniformly,
    // trained by two local workers, then brushed to its best runs on the parallel coordinates.
    auto sweepConfig = studyConfig;
    sweepConfig.model = "mlp";
    sweepConfig.threads = 1;
    page->setConfig(sweepConfig);
    runs->tabs()->setCurrentWidget(runs->sweeps());
    auto* form = runs->sweeps()->form();
    form->addAxis("max_lr", "1e-3, 3e-3, 1e-2"); // the fast preset's onecycle peaks at max_lr
    form->addAxis("batch_size", "64, 256");
    form->addAxis("weight_decay", "log:1e-6..1e-2");
    form->setRandomDraws(2);
    form->setName("mlp");
    qint64 sweep = 0;
    QObject::connect(runs->sweeps(), &SweepPanel::created, [&](qint64 id, const QString&) { sweep = id; });
    runs->sweeps()->createSweep();
    waitFor([&] { return sweep > 0; }, 60000);
    runs->sweeps()->startWorkers(2);
    waitFor([&] { return runs->sweepWorkers()->running() == 0; }, 600000);
    runs->refresh();
    const auto best = runs->sweeps()->bestRun();
    auto* chart = runs->sweeps()->chart();
    if (best)
        chart->setBrush(chart->axisCount() - 1, best->bestValAccuracy * 100 - 1.0, 100);
    save(&window, out + "/runs-sweep.png");
    chart->clearBrushes();
    // A Fashion-MNIST model (a constant learning rate, so the planned schedule is flat) on the Draw
    // page: its classes are garments, and the page says the model was not trained on digits.
    if (DataSource::holdsDataset(QString::fromLatin1(kDebianFashionFolder))) {
        window.showPage(MainWindow::Train);
        page->datasetPanel()->selectFolder(QString::fromLatin1(kDebianFashionFolder));
        waitFor([&] { return page->canStart() && window.dataSource()->summary().name == "Fashion-MNIST"; }, 60000);
        auto fashion = studyConfig;
        fashion.model = "simple-cnn";
        fashion.numEpochs = 1;
        fashion.scheduler = SchedulerKind::Constant;
        fashion.learningRate = 1e-3;
        page->setConfig(fashion);
        page->start();
        waitFor([&] { return window.session()->state() == TrainingSession::State::Idle; }, 600000);
        window.showPage(MainWindow::Draw);
        window.drawPage()->useCheckpoint(
            QDir(scratch.filePath("runs")).filePath(QString("run-%1/best.pt").arg(window.session()->runId())));
        waitFor([&] { return window.drawPage()->modelStatus().contains("Fashion-MNIST"); }, 30000);
        QImage trousers(280, 280, QImage::Format_Grayscale8);
        trousers.fill(0);
        {
            QPainter painter(&trousers);
            painter.setPen(QPen(Qt::white, 30, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            painter.drawPolyline(QPolygonF({{100, 240}, {110, 45}, {170, 45}, {180, 240}}));
            painter.drawLine(QPointF(140, 45), QPointF(140, 110));
        }
        const QImage seen = window.drawPage()->modelInput();
        window.drawPage()->openImage(trousers);
        waitFor([&] { return window.drawPage()->modelInput() != seen; }, 10000);
        save(&window, out + "/draw-fashion.png");
        window.showPage(MainWindow::Analyze);
        const QString fashionCheckpoint =
            QDir(scratch.filePath("runs")).filePath(QString("run-%1/best.pt").arg(window.session()->runId()));
        analyze->analyse(fashionCheckpoint, "test");
        waitFor([&] { return analyze->analysis() && analyze->analysis()->checkpoint == fashionCheckpoint; }, 60000);
        analyze->showCell(-1, -1);
        waitFor([] { return false; }, 500);
        save(&window, out + "/analyze-fashion.png");
        // Its embedding map (PCA): garments in the legend, coloured by correct / error.
        embedding->setRequest({});
        analyze->findChild<QTabWidget*>("analyzeTabs")->setCurrentWidget(embedding);
        embedding->findChild<QComboBox*>("mapColouring")->setCurrentIndex(2);
        waitFor(
            [&] {
                const auto shown = embedding->service()->current();
                return shown && shown->analysis->checkpoint == fashionCheckpoint && !shown->request.tsne;
            },
            60000);
        save(&window, out + "/analyze-embedding-fashion.png");
        embedding->findChild<QComboBox*>("mapColouring")->setCurrentIndex(0);
        analyze->findChild<QTabWidget*>("analyzeTabs")->setCurrentIndex(0);
    }
    window.showPage(MainWindow::Train);
    QApplication::setPalette(darkPalette());
    waitFor([] { return false; }, 300);
    save(&window, out + "/train-dark.png");
    window.close();
    return 0;
}
