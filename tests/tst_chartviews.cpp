// The painted analysis charts: geometry of the confusion heat map, and that each view draws.
#include "AblationChart.h"
#include "ConfidenceHistogramView.h"
#include "ConfusionMatrixView.h"
#include "ReliabilityDiagram.h"
#include "WidgetExport.h"
#include "support/TestMain.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;
using namespace studio::ui;

class TestChartViews : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void confusionCellsMapBothWays();
    void clickingACellReportsTrueAndPredicted();
    void viewsDrawTheirData();
};

void TestChartViews::confusionCellsMapBothWays()
{
    ConfusionMatrixView view;
    view.resize(600, 560);
    view.setMatrix(ConfusionMatrix::from({0, 1, 2, 2}, {0, 2, 2, 1}, 10));
    for (int t = 0; t < 10; ++t)
        for (int p = 0; p < 10; ++p)
            QCOMPARE(view.cellAt(view.cellRect(t, p).center()), QPoint(p, t));
    QCOMPARE(view.cellAt(QPoint(2, 2)), QPoint(-1, -1)); // the label margin is no cell
}

void TestChartViews::clickingACellReportsTrueAndPredicted()
{
    ConfusionMatrixView view;
    view.resize(600, 560);
    view.setMatrix(ConfusionMatrix::from({0, 1, 2, 2}, {0, 2, 2, 1}, 10));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QSignalSpy clicked(&view, &ConfusionMatrixView::cellClicked);
    QTest::mouseClick(&view, Qt::LeftButton, {}, view.cellRect(1, 2).center());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked[0][0].toInt(), 1); // true
    QCOMPARE(clicked[0][1].toInt(), 2); // predicted
}

void TestChartViews::viewsDrawTheirData()
{
    // Each view renders something other than its background once it has data.
    const auto inked = [](QWidget& w) {
        w.resize(500, 400);
        const QImage image = w.grab().toImage();
        const QRgb background = image.pixel(1, image.height() - 2);
        int other = 0;
        for (int y = 0; y < image.height(); y += 3)
            for (int x = 0; x < image.width(); x += 3)
                other += image.pixel(x, y) != background;
        return other;
    };
    ReliabilityDiagram reliability;
    const int emptyReliability = inked(reliability);
    CalibrationSummary c;
    c.bins = {{0.0, 0.5, 10, 0.4, 0.3}, {0.5, 1.0, 90, 0.9, 0.95}};
    reliability.setCalibration(c);
    QVERIFY(inked(reliability) > emptyReliability + 500);

    ConfidenceHistogramView histogram;
    const int emptyHistogram = inked(histogram);
    histogram.setHistogram({{0, 5, 50, 500}, {3, 2, 1, 0}});
    QVERIFY(inked(histogram) > emptyHistogram + 200);

    AblationChart ablation;
    AblationRow a, b;
    a.variant = "relu";
    a.bestValAccuracy = 0.98;
    a.testAccuracy = 0.979;
    b.variant = "sigmoid";
    b.bestValAccuracy = 0.96;
    b.testAccuracy = 0.958;
    ablation.setRows("study", {a, b});
    QVERIFY(inked(ablation) > 500);
    QTemporaryDir dir;
    QCOMPARE(exportWidget(&ablation, dir.filePath("a.svg")), QString());
    QVERIFY(QFileInfo(dir.filePath("a.svg")).size() > 1000);
    QVERIFY(exportWidget(&ablation, dir.filePath("a.txt")).contains(".png or .svg"));
}

STUDIO_TEST_MAIN(TestChartViews)
#include "tst_chartviews.moc"
