#include "training/EarlyStopping.h"
#include "support/TestMain.h"

#include <QTest>

using namespace studio;

class TestEarlyStopping : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lossStopsAfterPatienceEpochsWithoutImprovement();
    void minDeltaIgnoresTinyImprovements();
    void accuracyIsMaximised();
    void patienceZeroNeverStopsButTracksBest();
};

void TestEarlyStopping::lossStopsAfterPatienceEpochsWithoutImprovement()
{
    EarlyStopping es(Monitor::ValLoss, 2, 0.0);
    QVERIFY(es.update(1, 0.50));
    QVERIFY(es.update(2, 0.40));
    QVERIFY(!es.update(3, 0.45));
    QVERIFY(!es.shouldStop());
    QVERIFY(!es.update(4, 0.41));
    QVERIFY(es.shouldStop());
    QCOMPARE(es.state().bestEpoch, 2);
    QCOMPARE(es.state().best, 0.40);
}

void TestEarlyStopping::minDeltaIgnoresTinyImprovements()
{
    EarlyStopping es(Monitor::ValLoss, 1, 0.01);
    QVERIFY(es.update(1, 0.300));
    QVERIFY(!es.update(2, 0.295)); // better by 0.005 < min_delta
    QVERIFY(es.shouldStop());
    QCOMPARE(es.state().bestEpoch, 1);
}

void TestEarlyStopping::accuracyIsMaximised()
{
    EarlyStopping es(Monitor::ValAccuracy, 3, 0.0);
    QVERIFY(es.update(1, 0.97));
    QVERIFY(!es.update(2, 0.96));
    QVERIFY(es.update(3, 0.98));
    QCOMPARE(es.state().epochsWithoutImprovement, 0);
    QVERIFY(!es.update(4, std::nan(""))); // a NaN metric is never an improvement
    QCOMPARE(es.state().bestEpoch, 3);
}

void TestEarlyStopping::patienceZeroNeverStopsButTracksBest()
{
    EarlyStopping es(Monitor::ValLoss, 0, 0.0);
    for (int e = 1; e <= 20; ++e)
        es.update(e, 1.0 + e);
    QVERIFY(!es.shouldStop());
    QCOMPARE(es.state().bestEpoch, 1);
}

STUDIO_TEST_GUILESS_MAIN(TestEarlyStopping)
#include "tst_earlystopping.moc"
