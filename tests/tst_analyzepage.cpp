// The Analyze page, offscreen: a trained model analysed on a generated test set; clicking a
// confusion cell shows exactly that cell's images.
#include "AnalyzePage.h"
#include "RunsService.h"
#include "ConfusionMatrixView.h"
#include "AnalysisService.h"
#include "DataSource.h"
#include "DrawMapPanel.h"
#include "DrawPage.h"
#include "EmbeddingPanel.h"
#include "EmbeddingView.h"
#include "EpochReplayBar.h"
#include "GalleryModel.h"
#include "ImageDetailPanel.h"

#include "support/SyntheticData.h"
#include "support/TrainedRuns.h"
#include "training/Trainer.h"
#include "support/TestMain.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTabWidget>
#include <QTest>

using namespace studio;
using namespace studio::ui;

class TestAnalyzePage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void clickingACellShowsExactlyItsImages();
    void perClassTableGradCamAndOpenInCanvas();
    void confidenceRangeFiltersTheGallery();
    void confusionExportsAsPictureAndTable();
    void embeddingMapSelectionFillsTheGallery();
    void tsneMapIsCachedCancelsAndPlacesADrawing();
    void gradCamExplainsTheAnalysedWeightsAfterTheFileIsGone();
    void epochReplayShowsEachEpochAsItWas();

private:
    QTemporaryDir m_dir;
    QString m_data, m_checkpoint;
    std::unique_ptr<DataSource> m_source;
    std::unique_ptr<RunsService> m_runs;
    std::unique_ptr<AnalyzePage> m_page;
};

void TestAnalyzePage::initTestCase()
{
    m_data = m_dir.filePath("data");
    const auto dataset = test::syntheticDataset(20, 30);
    test::writeIdxFolder(dataset, m_data);
    TrainConfig c;
    c.model = "simple-cnn";
    c.numEpochs = 1;
    c.batchSize = 16;
    c.limitTrain = 50; // a weak model, so there are errors to look at
    c.threads = 1;
    Trainer trainer(c, dataset, m_dir.filePath("run"));
    QCOMPARE(trainer.run().reason, FinishReason::Completed);
    m_checkpoint = trainer.bestPath();

    m_source = std::make_unique<DataSource>(m_data);
    QSignalSpy loaded(m_source.get(), &DataSource::loaded);
    m_source->load(m_data);
    QVERIFY(loaded.wait(20000));
    m_runs = std::make_unique<RunsService>(m_dir.filePath("store"));
    m_page = std::make_unique<AnalyzePage>(m_source.get(), m_runs.get());
    m_page->resize(1400, 900);
    m_page->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
    m_page->analyse(m_checkpoint, "test");
    QTRY_VERIFY_WITH_TIMEOUT(m_page->analysis() != nullptr, 30000);
    QVERIFY2(m_page->summaryText().contains("accuracy"), qPrintable(m_page->summaryText()));
}

void TestAnalyzePage::clickingACellShowsExactlyItsImages()
{
    const auto& matrix = m_page->analysis()->evaluation.confusion;
    QCOMPARE(matrix.total(), 300);
    std::vector<std::pair<int, int>> cells{{4, 4}, {0, 0}};
    for (const auto& pair : matrix.mostConfused(2))
        cells.emplace_back(pair.trueClass, pair.predictedClass);
    auto* view = m_page->confusionView();
    for (const auto& [t, p] : cells) {
        QTest::mouseClick(view, Qt::LeftButton, {}, view->cellRect(t, p).center());
        auto* gallery = m_page->gallery();
        QCOMPARE(gallery->rowCount(), int(matrix.count(t, p)));
        for (int row = 0; row < gallery->rowCount(); ++row) {
            QCOMPARE(gallery->data(gallery->index(row), GalleryModel::TrueRole).toInt(), t);
            QCOMPARE(gallery->data(gallery->index(row), GalleryModel::PredictedRole).toInt(), p);
        }
    }
    QVERIFY(cells.size() > 2); // the one-epoch model makes errors to look at
}

void TestAnalyzePage::perClassTableGradCamAndOpenInCanvas()
{
    auto* table = m_page->findChild<QTableWidget*>("perClassTable");
    QCOMPARE(table->rowCount(), 12); // ten classes, macro and weighted
    const auto pair = m_page->analysis()->evaluation.confusion.mostConfused(1).front();
    m_page->showCell(pair.trueClass, pair.predictedClass);
    m_page->findChild<QCheckBox*>("gradCam")->setChecked(true);
    auto* detail = m_page->findChild<QLabel*>("detailText");
    QTRY_VERIFY_WITH_TIMEOUT(detail->text().contains("grad-cam for class"), 20000);
    QVERIFY(!m_page->findChild<QLabel*>("detailImage")->pixmap().isNull());
    QSignalSpy opened(m_page.get(), &AnalyzePage::openInCanvas);
    QTest::mouseClick(m_page->findChild<QWidget*>("openInCanvas"), Qt::LeftButton);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened[0][0].value<QImage>().size(), QSize(28, 28));
}

void TestAnalyzePage::confidenceRangeFiltersTheGallery()
{
    const auto& errors = m_page->analysis()->evaluation.errors;
    m_page->showCell(-1, -1); // every error
    auto* gallery = m_page->gallery();
    QCOMPARE(gallery->rowCount(), int(errors.size()));
    std::vector<double> confidences;
    for (const auto& s : errors)
        confidences.push_back(s.confidence);
    std::sort(confidences.begin(), confidences.end());
    QVERIFY(confidences.size() >= 8 && confidences.front() < confidences.back());
    // Whole percentages, as the range boxes show them.
    const double low = std::floor(confidences[confidences.size() / 4] * 100) / 100;
    const double high = std::ceil(confidences[confidences.size() * 3 / 4] * 100) / 100;
    m_page->setConfidenceRange(low, high);
    const auto expected = std::count_if(
        errors.begin(), errors.end(), [&](const ImageScore& s) { return s.confidence >= low && s.confidence <= high; });
    QCOMPARE(gallery->rowCount(), int(expected));
    QVERIFY(expected > 0 && expected < qsizetype(errors.size())); // the range splits this model's errors
    for (int row = 0; row < gallery->rowCount(); ++row) {
        const double c = gallery->data(gallery->index(row), GalleryModel::ConfidenceRole).toDouble();
        QVERIFY(c >= low && c <= high);
    }
    QCOMPARE(m_page->findChild<QLabel*>("galleryCount")->text(), QString("%1 images").arg(expected));
    m_page->setConfidenceRange(0, 1);
    QCOMPARE(gallery->rowCount(), int(errors.size()));
}

void TestAnalyzePage::confusionExportsAsPictureAndTable()
{
    QTemporaryDir dir;
    const auto& matrix = m_page->analysis()->evaluation.confusion;
    QCOMPARE(m_page->exportConfusion(dir.filePath("confusion.csv")), QString());
    QFile csv(dir.filePath("confusion.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const auto lines = QString::fromUtf8(csv.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 12); // header, ten classes, column totals
    for (int t = 0; t < 10; ++t) {
        const auto cells = lines[t + 1].split(',');
        QCOMPARE(cells.size(), 12);
        for (int p = 0; p < 10; ++p)
            QCOMPARE(cells[p + 1].toLongLong(), qint64(matrix.count(t, p)));
        QCOMPARE(cells[11].toLongLong(), qint64(matrix.rowTotal(t)));
    }
    QCOMPARE(lines[11].split(',').last().toInt(), 300);

    QCOMPARE(m_page->exportConfusion(dir.filePath("confusion.png")), QString());
    const QImage png(dir.filePath("confusion.png"));
    QCOMPARE(png.size(), m_page->confusionView()->size() * 2);
    QCOMPARE(m_page->exportConfusion(dir.filePath("confusion.svg")), QString());
    QFile svg(dir.filePath("confusion.svg"));
    QVERIFY(svg.open(QIODevice::ReadOnly) && svg.readAll().contains("<svg"));

    const QString unwritable = dir.filePath("missing-folder/confusion.csv");
    QVERIFY(m_page->exportConfusion(unwritable).contains(unwritable));
}

void TestAnalyzePage::embeddingMapSelectionFillsTheGallery()
{
    auto* tabs = m_page->findChild<QTabWidget*>("analyzeTabs");
    auto* panel = m_page->embedding();
    QSignalSpy ready(panel->service(), &EmbeddingService::ready);
    tabs->setCurrentWidget(panel); // on show: the analysis is mapped (PCA by default)
    QVERIFY(ready.wait(30000));
    const auto layout = panel->service()->current();
    QCOMPARE(layout->points.size(), std::size_t(300));
    QVERIFY2(panel->statusText().contains("PCA of 300 images"), qPrintable(panel->statusText()));
    auto* view = panel->view();
    QTRY_VERIFY(view->width() > 200);

    // A lasso dragged over the map selects exactly the points inside it, and the gallery beside
    // the map shows exactly those images.
    const QRectF area = view->rect();
    const auto corner = [&](double x, double y) { return QPointF(area.width() * x, area.height() * y); };
    const QPolygonF lasso(
        {corner(0.05, 0.05), corner(0.45, 0.1), corner(0.5, 0.6), corner(0.3, 0.95), corner(0.05, 0.9)});
    std::vector<int> expected;
    for (std::size_t i = 0; i < layout->points.size(); ++i)
        if (lasso.containsPoint(view->toWidget(layout->points[i]), Qt::OddEvenFill))
            expected.push_back(int(i));
    QVERIFY2(expected.size() > 5 && expected.size() < 295, qPrintable(QString::number(expected.size())));
    QTest::mousePress(view, Qt::LeftButton, {}, lasso[0].toPoint());
    for (int at = 1; at <= 5; ++at)
        QTest::mouseMove(view, lasso[at % 5].toPoint());
    QTest::mouseRelease(view, Qt::LeftButton, {}, lasso[0].toPoint());
    auto* gallery = panel->selectionGallery();
    std::vector<int> shown;
    for (int row = 0; row < gallery->rowCount(); ++row)
        shown.push_back(int(gallery->scoreAt(row).index));
    std::sort(shown.begin(), shown.end());
    QCOMPARE(shown, expected);
    int errors = 0;
    for (int i : expected)
        errors += m_page->analysis()->images[std::size_t(i)].correct() ? 0 : 1;
    QCOMPARE(panel->findChild<QLabel*>("mapSelection")->text(),
             QString("%1 images selected, %2 of them errors").arg(expected.size()).arg(errors));

    // A click picks the nearest point; Shift-click adds one; a click on empty space clears.
    const QPointF first = view->toWidget(layout->points[17]);
    const int picked = view->pointAt(first);
    QVERIFY(picked >= 0);
    QTest::mouseClick(view, Qt::LeftButton, {}, first.toPoint());
    QCOMPARE(gallery->rowCount(), 1);
    QCOMPARE(int(gallery->scoreAt(0).index), view->pointAt(first.toPoint()));
    QTest::mouseClick(view, Qt::LeftButton, Qt::ShiftModifier, view->toWidget(layout->points[200]).toPoint());
    QCOMPARE(gallery->rowCount(), 2);
    QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(2, view->height() - 2));
    QCOMPARE(gallery->rowCount(), 0);

    // Hover names the image; zooming in far enough draws the points as their images.
    view->hoverAt(first);
    QVERIFY2(view->hoverText().startsWith(QString("#%1 · ").arg(view->hovered())), qPrintable(view->hoverText()));
    QVERIFY(!view->showsImages());
    view->zoom(40, first);
    QVERIFY(view->showsImages());
    view->fitAll();
    // Unzoomed, the map keeps fitting the view as the window resizes.
    const int before = view->width();
    m_page->resize(1100, 760);
    QTRY_VERIFY(view->width() < before);
    for (const auto& p : layout->points)
        QVERIFY(QRectF(view->rect()).contains(view->toWidget(p)));
    m_page->resize(1400, 900);
    QTRY_COMPARE(view->width(), before);
}

void TestAnalyzePage::tsneMapIsCachedCancelsAndPlacesADrawing()
{
    auto* panel = m_page->embedding();
    QSignalSpy ready(panel->service(), &EmbeddingService::ready);
    panel->setRequest({true, 10, 300});
    panel->compute();
    QVERIFY(ready.wait(60000));
    const auto layout = panel->service()->current();
    QVERIFY(layout->request.tsne && !layout->cached);
    const QDir cache(QFileInfo(m_checkpoint).absoluteDir().filePath("embeddings"));
    QCOMPARE(cache.entryList({"*-test-tsne-p10-i300.layout"}, QDir::Files).size(), 1);

    // Another session (a new service) reads the layout back instead of computing it.
    EmbeddingService other;
    QSignalSpy otherReady(&other, &EmbeddingService::ready);
    other.compute(layout->analysis, {true, 10, 300});
    QVERIFY(otherReady.wait(30000));
    QVERIFY(other.current()->cached);
    QCOMPARE(other.current()->points, layout->points);

    // Cancel stops a t-SNE under way: no map follows.
    QSignalSpy cancelled(&other, &EmbeddingService::cancelled);
    QSignalSpy progress(&other, &EmbeddingService::progress);
    other.compute(layout->analysis, {true, 10, 5000});
    QTRY_VERIFY_WITH_TIMEOUT(progress.size() >= 3, 20000);
    other.cancel();
    QCOMPARE(cancelled.size(), 1);
    QTest::qWait(300);
    QCOMPARE(otherReady.size(), 1);

    // The Draw page places a drawing on the map when it scores with the map's model.
    RunsService runs(m_dir.filePath("store"));
    DrawPage draw(&runs);
    draw.resize(1200, 800);
    draw.show();
    draw.setMap(layout);
    draw.showMap();
    auto* map = draw.mapPanel();
    QVERIFY(!map->view()->marker());
    draw.useCheckpoint(m_checkpoint);
    draw.openImage(layout->analysis->image(5).scaled(280, 280));
    QTRY_VERIFY_WITH_TIMEOUT(map->view()->marker().has_value(), 20000);
    QVERIFY2(map->statusText().contains("Your drawing"), qPrintable(map->statusText()));
    // It lands among the mapped points (inside their extent).
    double left = 1e9, right = -1e9, top = 1e9, bottom = -1e9;
    for (const auto& p : layout->points)
        left = std::min(left, p.x()), right = std::max(right, p.x()), top = std::min(top, p.y()),
        bottom = std::max(bottom, p.y());
    const QPointF at = *map->view()->marker();
    QVERIFY(at.x() >= left && at.x() <= right && at.y() >= top && at.y() <= bottom);
    // A map of another model: no marker, and a button to load the map's model.
    map->setCheckpoint("/elsewhere/other.pt");
    QVERIFY(map->statusText().contains("another model"));
    QVERIFY(map->findChild<QPushButton*>("drawMapUseModel")->isVisibleTo(map));
    QVERIFY(!map->view()->marker());
    panel->setRequest({});
    m_page->findChild<QTabWidget*>("analyzeTabs")->setCurrentIndex(0);
}

void TestAnalyzePage::gradCamExplainsTheAnalysedWeightsAfterTheFileIsGone()
{
    // The checkpoint changes or disappears after the analysis (latest.pt of a running run, a
    // deleted run): Grad-CAM still explains the weights that produced the scores on show.
    QVERIFY(QFile::rename(m_checkpoint, m_checkpoint + ".moved"));
    auto* service = m_page->findChild<AnalysisService*>();
    QSignalSpy explained(service, &AnalysisService::explained);
    m_page->findChild<QCheckBox*>("gradCam")->setChecked(true);
    const auto& matrix = m_page->analysis()->evaluation.confusion;
    int best = 0;
    for (int k = 1; k < 10; ++k)
        if (matrix.count(k, k) > matrix.count(best, best))
            best = k;
    m_page->showCell(best, best); // correct images: none explained yet
    auto* detail = m_page->findChild<ImageDetailPanel*>();
    QVERIFY(detail->index() >= 0);
    const auto shownMap = [&] { // earlier requests may answer first
        for (const auto& args : explained)
            if (const auto map = args[0].value<HeatMap>(); map.index == detail->index())
                return map;
        return HeatMap{};
    };
    QTRY_VERIFY_WITH_TIMEOUT(shownMap().index >= 0, 20000);
    QCOMPARE(int(shownMap().heat.size()), 28 * 28);
    QVERIFY(QFile::rename(m_checkpoint + ".moved", m_checkpoint));
}

void TestAnalyzePage::epochReplayShowsEachEpochAsItWas()
{
    QVERIFY(!m_page->replayBar()->isVisible()); // the test split has no replay
    // A run of four epochs keeps its validation predictions every epoch.
    test::Recorder epochs;
    TrainConfig c;
    c.model = "simple-cnn";
    c.numEpochs = 4;
    c.batchSize = 32;
    c.limitTrain = 200;
    c.valFraction = 0.3;
    c.learningRate = 3e-4;
    c.threads = 1;
    Trainer trainer(c, test::syntheticDataset(20, 30), m_dir.filePath("replayed"));
    trainer.addObserver(&epochs);
    QCOMPARE(trainer.run().reason, FinishReason::Completed);
    const QString latest = trainer.latestPath();
    m_page->analyse(latest, "validation");
    QTRY_VERIFY_WITH_TIMEOUT(m_page->analysis() && m_page->analysis()->checkpoint == latest, 30000);
    const Analysis* a = m_page->analysis();
    auto* bar = m_page->replayBar();
    QVERIFY(bar->isVisible());
    QCOMPARE(int(a->replay.size()), 4);
    QCOMPARE(bar->currentIndex(), 3); // latest.pt is epoch 4: its own scores on show
    QCOMPARE(a->shownSnapshot, -1);
    auto* slider = m_page->findChild<QSlider*>("epochSlider");
    for (int i = 0; i < 4; ++i) {
        slider->setValue(i);
        const auto& e = a->shownEvaluation();
        const auto& record = epochs.epochs[std::size_t(i)];
        // What every view shows at epoch i+1 is what training measured then.
        QCOMPARE(e.scores.size(), qint64(60));
        QCOMPARE(qRound(e.accuracy * 60), qRound(record.valAccuracy * 60));
        QCOMPARE(m_page->confusionView()->matrix().total(), 60);
        if (i < 3)
            QVERIFY(m_page->confusionView()->isFading());
        QVERIFY2(m_page->summaryText().contains(QString("accuracy %1 %").arg(record.valAccuracy * 100, 0, 'f', 2)),
                 qPrintable(m_page->summaryText()));
        m_page->showCell(-1, -1);
        QCOMPARE(m_page->gallery()->rowCount(), 60 - qRound(record.valAccuracy * 60));
        for (int k = 0; k < 10; ++k)
            if (!std::isnan(record.valClassAccuracy[std::size_t(k)]))
                QCOMPARE(e.report.perClass[std::size_t(k)].recall, record.valClassAccuracy[std::size_t(k)]);
    }
    QVERIFY(m_page->summaryText().contains("epoch 4"));
    slider->setValue(0);
    QVERIFY2(m_page->summaryText().contains("epoch 1 replayed (the checkpoint is epoch 4)"),
             qPrintable(m_page->summaryText()));
    // Each image's history: the gallery sorts by it, the detail panel says it.
    auto* order = m_page->findChild<QComboBox*>("galleryOrder");
    order->setCurrentIndex(order->findText("Most forgotten first"));
    m_page->showCell(-1, -1);
    m_page->findChild<QCheckBox*>("errorsOnly")->setChecked(false);
    int most = 0;
    for (const auto& h : a->histories)
        most = std::max(most, h.forgettingEvents);
    const auto first = m_page->gallery()->data(m_page->gallery()->index(0), GalleryModel::ScoreIndexRole).toLongLong();
    QCOMPARE(a->histories[std::size_t(first)].forgettingEvents, most);
    auto* detail = m_page->findChild<QLabel*>("detailText");
    QVERIFY2(detail->text().contains("learned at epoch") || detail->text().contains("not learned by epoch"),
             qPrintable(detail->text()));
    // Play steps through to the last epoch and stops.
    QTest::mouseClick(m_page->findChild<QWidget*>("playEpochs"), Qt::LeftButton);
    QVERIFY(bar->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(!bar->isPlaying(), 5000);
    QCOMPARE(bar->currentIndex(), 3);
}

STUDIO_TEST_MAIN(TestAnalyzePage)
#include "tst_analyzepage.moc"
