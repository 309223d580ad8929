// The Draw page, offscreen: strokes through QTest mouse events are scored live by a trained model.
#include "DrawCanvas.h"
#include "DrawPage.h"
#include "RunsService.h"
#include "ProbabilityBars.h"
#include "RobustnessPanel.h"
#include "RobustnessView.h"

#include "inference/Predictor.h"
#include "inference/Robustness.h"

#include <opencv2/core.hpp>

#include "support/SyntheticData.h"
#include "training/Trainer.h"
#include "support/TestMain.h"

#include <QApplication>
#include <QCheckBox>
#include <QLabel>
#include <QPointingDevice>
#include <QPushButton>
#include <QTabWidget>
#include <QTabletEvent>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>

using namespace studio;
using namespace studio::ui;

namespace {

int inkPixels(const QImage& image)
{
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            n += qGray(image.pixel(x, y)) > 0;
    return n;
}

void stroke(QWidget* canvas, const std::vector<QPoint>& points)
{
    QTest::mousePress(canvas, Qt::LeftButton, {}, points.front());
    for (const auto& p : points)
        QTest::mouseMove(canvas, p);
    QTest::mouseRelease(canvas, Qt::LeftButton, {}, points.back());
}

/// A pen stroke from a tablet: press, moves, release, all at one pressure.
void penStroke(QWidget* canvas, const std::vector<QPointF>& points, qreal pressure)
{
    static const QPointingDevice pen("test pen", 42, QInputDevice::DeviceType::Stylus,
                                     QPointingDevice::PointerType::Pen,
                                     QInputDevice::Capability::Position | QInputDevice::Capability::Pressure, 1, 3);
    const auto send = [&](QEvent::Type type, QPointF at, Qt::MouseButtons buttons) {
        QTabletEvent event(type, &pen, at, canvas->mapToGlobal(at), pressure, 0, 0, 0, 0, 0, {}, Qt::LeftButton,
                           buttons);
        QApplication::sendEvent(canvas, &event);
    };
    send(QEvent::TabletPress, points.front(), Qt::LeftButton);
    for (const auto& p : points)
        send(QEvent::TabletMove, p, Qt::LeftButton);
    send(QEvent::TabletRelease, points.back(), Qt::NoButton);
}

} // namespace

class TestDrawPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void withoutModelsItSaysHowToGetOne();
    void strokesAreScoredLiveAndClearResets();
    void gradCamShadesTheDrawing();
    void tabletPressureWidensTheStroke();
    void robustnessTabSweepsTheDrawing();

private:
    QTemporaryDir m_dir;
    QString m_checkpoint;
    QString m_mlpCheckpoint;
};

void TestDrawPage::initTestCase()
{
    TrainConfig c;
    c.model = "simple-cnn";
    c.numEpochs = 1;
    c.batchSize = 32;
    c.threads = 1;
    Trainer trainer(c, test::syntheticDataset(20, 2), m_dir.filePath("run"));
    QCOMPARE(trainer.run().reason, FinishReason::Completed);
    m_checkpoint = trainer.bestPath();
    c.model = "mlp";
    Trainer mlp(c, test::syntheticDataset(20, 2), m_dir.filePath("mlp"));
    QCOMPARE(mlp.run().reason, FinishReason::Completed);
    m_mlpCheckpoint = mlp.bestPath();
}

void TestDrawPage::withoutModelsItSaysHowToGetOne()
{
    RunsService runs(m_dir.filePath("empty-store"));
    DrawPage page(&runs);
    page.show();
    QVERIFY(page.modelStatus().contains("No trained model yet"));
}

void TestDrawPage::strokesAreScoredLiveAndClearResets()
{
    RunsService runs(m_dir.filePath("store"));
    DrawPage page(&runs);
    page.resize(1100, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.useCheckpoint(m_checkpoint);
    QTRY_VERIFY_WITH_TIMEOUT(page.modelStatus().contains("simple-cnn"), 20000);
    QCOMPARE(page.predicted(), -1);

    auto* canvas = page.canvas();
    const int side = std::min(canvas->width(), canvas->height());
    // A "7": a top bar and a diagonal.
    stroke(canvas, {{side / 4, side / 4}, {side / 2, side / 4}, {3 * side / 4, side / 4}});
    stroke(canvas, {{3 * side / 4, side / 4}, {side / 2, side / 2}, {3 * side / 8, 3 * side / 4}});
    QVERIFY(!canvas->isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(page.predicted() >= 0, 10000);
    QCOMPARE(page.modelInput().size(), QSize(28, 28));
    QVERIFY(inkPixels(page.modelInput()) > 20);
    const auto& p = page.bars()->probabilities();
    QCOMPARE(int(p.size()), 10);
    QVERIFY(std::abs(std::accumulate(p.begin(), p.end(), 0.0) - 1.0) < 1e-4);
    QCOMPARE(int(std::max_element(p.begin(), p.end()) - p.begin()), page.predicted());

    QTest::mouseClick(page.findChild<QWidget*>("clearCanvas"), Qt::LeftButton);
    QVERIFY(canvas->isEmpty());
    QTRY_COMPARE(page.predicted(), -1);
    QVERIFY(page.bars()->probabilities().empty());
    QCOMPARE(inkPixels(page.modelInput()), 0);

    canvas->undo(); // the drawing comes back, and so does its score
    QVERIFY(!canvas->isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(page.predicted() >= 0, 10000);
}

void TestDrawPage::gradCamShadesTheDrawing()
{
    // The MLP's input saliency is never all zero (a weak CNN's Grad-CAM can be); the same overlay path.
    RunsService runs(m_dir.filePath("store"));
    DrawPage page(&runs);
    page.resize(1100, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.useCheckpoint(m_mlpCheckpoint);
    QTRY_VERIFY_WITH_TIMEOUT(page.modelStatus().contains("mlp"), 20000);
    auto* canvas = page.canvas();
    const int side = std::min(canvas->width(), canvas->height());
    stroke(canvas, {{side / 2, side / 4}, {side / 2, side / 2}, {side / 2, 3 * side / 4}});
    QTRY_VERIFY_WITH_TIMEOUT(page.predicted() >= 0, 10000);
    QVERIFY(canvas->overlay().isNull()); // off by default

    page.findChild<QCheckBox*>("canvasGradCam")->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(!canvas->overlay().isNull(), 10000);
    QVERIFY(page.findChild<QLabel*>("drawLatency")->text().contains("saliency"));
    const QImage overlay = canvas->overlay();
    QCOMPARE(overlay.size(), canvas->image().size());
    int shaded = 0;
    for (int y = 0; y < overlay.height(); ++y)
        for (int x = 0; x < overlay.width(); ++x)
            shaded += qAlpha(overlay.pixel(x, y)) > 0;
    QVERIFY(shaded > 0);
    // The 28×28 field maps back around the stroke only: the far corners stay clear.
    QCOMPARE(qAlpha(overlay.pixel(2, 2)), 0);
    QCOMPARE(qAlpha(overlay.pixel(overlay.width() - 3, overlay.height() - 3)), 0);

    page.findChild<QCheckBox*>("canvasGradCam")->setChecked(false);
    QVERIFY(canvas->overlay().isNull());
    QTest::qWait(300); // a score still in flight must not bring it back
    QVERIFY(canvas->overlay().isNull());
}

void TestDrawPage::tabletPressureWidensTheStroke()
{
    RunsService runs(m_dir.filePath("store"));
    DrawPage page(&runs);
    page.resize(1100, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    auto* canvas = page.canvas();
    const double side = std::min(canvas->width(), canvas->height());
    const std::vector<QPointF> line{{side * 0.3, side * 0.5}, {side * 0.5, side * 0.5}, {side * 0.7, side * 0.5}};
    penStroke(canvas, line, 0.1);
    const int light = inkPixels(canvas->image());
    QVERIFY(light > 0);
    canvas->clear();
    penStroke(canvas, line, 1.0);
    const int firm = inkPixels(canvas->image());
    QVERIFY2(firm > 2 * light, qPrintable(QString("%1 vs %2 ink pixels").arg(firm).arg(light)));
    canvas->undo();
    QVERIFY(canvas->isEmpty()); // one tablet stroke is one undo step
}

void TestDrawPage::robustnessTabSweepsTheDrawing()
{
    RunsService runs(m_dir.filePath("store"));
    DrawPage page(&runs);
    page.resize(1100, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    page.useCheckpoint(m_checkpoint);
    QTRY_VERIFY_WITH_TIMEOUT(page.modelStatus().contains("simple-cnn"), 20000);
    auto* canvas = page.canvas();
    const int side = std::min(canvas->width(), canvas->height());
    stroke(canvas, {{side / 2, side / 4}, {side / 2, side / 2}, {side / 2, 3 * side / 4}});
    QTRY_VERIFY_WITH_TIMEOUT(page.predicted() >= 0, 10000);
    auto* view = page.robustness()->view();
    QVERIFY(view->sweep().axes.empty()); // only swept while the tab is on show

    page.showRobustness();
    QCOMPARE(page.findChild<QTabWidget*>("drawTabs")->currentWidget(), page.robustness());
    QTRY_VERIFY_WITH_TIMEOUT(!view->sweep().axes.empty(), 10000);
    // The sweep is of what the model saw: its unbent answer is the page's, and each axis's
    // probabilities are the model's on that bent image.
    const auto sweep = view->sweep();
    QCOMPARE(sweep.original, page.predicted());
    QCOMPARE(int(sweep.axes.size()), 6);
    const Predictor predictor(m_checkpoint);
    const QImage seen = page.modelInput().convertToFormat(QImage::Format_Grayscale8);
    const cv::Mat input(28, 28, CV_8UC1, const_cast<uchar*>(seen.constBits()), std::size_t(seen.bytesPerLine()));
    const auto& rotation = sweep.axes[std::size_t(Perturbation::Rotation)];
    const auto single = predictor.probabilities(perturb(input, Perturbation::Rotation, rotation.amounts[5]));
    for (std::size_t k = 0; k < single.size(); ++k)
        QVERIFY(std::abs(single[k] - rotation.probabilities[5 * single.size() + k]) < 1e-4);

    // Hovering a plot reads out the amount under the pointer and the answer there.
    const auto [axis, amount] = view->amountAt(QPointF(view->width() * 0.25, view->height() * 0.2));
    QCOMPARE(axis, 0); // shift x, top left
    QVERIFY(amount > -6 && amount < 6);
    QTest::mouseMove(view, QPoint(int(view->width() * 0.25), int(view->height() * 0.2)));
    QVERIFY2(view->hoverText().startsWith("shift x"), qPrintable(view->hoverText()));

    // Worst case: an image and the change in words, or why there is none.
    QTest::mouseClick(page.findChild<QPushButton*>("worstCase"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!page.robustness()->worstCaseText().contains("Searching"), 20000);
    const QString text = page.robustness()->worstCaseText();
    QVERIFY2(text.contains("images tried"), qPrintable(text));
    if (!text.startsWith("Nothing"))
        QVERIFY(!page.findChild<QLabel*>("worstCaseImage")->pixmap().isNull());

    // Clearing the canvas clears the sweep and disables the search.
    QTest::mouseClick(page.findChild<QWidget*>("clearCanvas"), Qt::LeftButton);
    QTRY_VERIFY(view->sweep().axes.empty());
    QVERIFY(!page.findChild<QPushButton*>("worstCase")->isEnabled());
}

STUDIO_TEST_MAIN(TestDrawPage)
#include "tst_drawpage.moc"
