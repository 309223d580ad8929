// The Draw page, offscreen: strokes through QTest mouse events are scored live by a trained model.
#include "DrawCanvas.h"
#include "DrawPage.h"
#include "ProbabilityBars.h"

#include "support/SyntheticData.h"
#include "training/Trainer.h"

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

} // namespace

class TestDrawPage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void withoutModelsItSaysHowToGetOne();
    void strokesAreScoredLiveAndClearResets();

private:
    QTemporaryDir m_dir;
    QString m_checkpoint;
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
}

void TestDrawPage::withoutModelsItSaysHowToGetOne()
{
    DrawPage page(m_dir.filePath("empty-store"));
    page.show();
    QVERIFY(page.modelStatus().contains("No trained model yet"));
}

void TestDrawPage::strokesAreScoredLiveAndClearResets()
{
    DrawPage page(m_dir.filePath("store"));
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

QTEST_MAIN(TestDrawPage)
#include "tst_drawpage.moc"
