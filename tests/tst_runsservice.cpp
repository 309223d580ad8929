// The window's one connection to the run store: its own edits and other processes' writes
// announced by signals.
#include "RunsService.h"

#include "support/RunStoreEdits.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;
using namespace studio::ui;

class TestRunsService : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void anotherProcesssRunAppearsAndEdgesAreAnnounced();
    void serverStoreIsFollowedThroughNotifications();
};

void TestRunsService::anotherProcesssRunAppearsAndEdgesAreAnnounced()
{
    QTemporaryDir dir;
    const QString runs = dir.filePath("runs"), data = dir.filePath("data");
    test::writeIdxFolder(test::syntheticDataset(20, 5), data);
    RunsService service(runs);
    service.refresh(true);
    QVERIFY(service.runs().empty());
    QVERIFY(service.checkpoints().isEmpty());
    QSignalSpy changed(&service, &RunsService::runsChanged);
    QSignalSpy updated(&service, &RunsService::runUpdated);
    service.watch(true);

    // A CLI run beside the window: the service notices its commits without being asked.
    QProcess cli;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_RUNS", runs);
    cli.setProcessEnvironment(env);
    cli.start(qEnvironmentVariable("STUDIO_CLI"),
              {"train", "--data", data, "--model", "tiny-v1", "--num-epochs", "2", "--threads", "1"});
    QVERIFY(cli.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(service.runs().size() == 1 && service.runs().front().status == "completed", 60000);
    QTRY_COMPARE_WITH_TIMEOUT(cli.state(), QProcess::NotRunning, 30000);
    QCOMPARE(cli.exitCode(), 0);
    QVERIFY(changed.count() >= 1);
    QCOMPARE(service.checkpoints().size(), 1); // its best.pt
    QVERIFY(service.checkpoints().front().label.startsWith("Run 1 · tiny-v1 · best"));
    const auto id = service.runs().front().id;

    // Its own edits: runUpdated for that run, the new name in runs(), no re-read needed.
    changed.clear();
    QCOMPARE(service.rename(id, "beside"), QString());
    QCOMPARE(updated.count(), 1);
    QCOMPARE(updated.takeFirst().at(0).toLongLong(), id);
    QCOMPARE(service.run(id)->name, QString("beside"));
    QTest::qWait(2500); // a poll: its own write is not another connection's
    QCOMPARE(changed.count(), 0);

    // A run whose process died turns interrupted at the next poll.
    RunStore other(runs);
    const auto running = other.createRun(TrainConfig{}, DatasetInfo{.name = "synthetic"}, 1);
    QVERIFY(test::markProcessGone(runs, running));
    QTRY_VERIFY_WITH_TIMEOUT(service.run(running) && service.run(running)->status == "interrupted", 10000);

    // Deleting through the service re-reads the list.
    changed.clear();
    QCOMPARE(service.deleteRuns({running}), QString());
    QCOMPARE(changed.count(), 1);
    QVERIFY(!service.run(running));
    service.watch(false);
}

void TestRunsService::serverStoreIsFollowedThroughNotifications()
{
    QTemporaryDir dir;
    const QString url = test::freshStore("postgresql", dir.filePath("artifacts"));
    if (url.isEmpty())
        QSKIP("no test PostgreSQL server: the test command starts one ($MNIST_STUDIO_TEST_POSTGRES)");
    RunsService service(url);
    service.refresh(true);
    QVERIFY(service.runs().empty());
    service.watch(true); // the poll would first look 2 s from now
    QElapsedTimer clock;
    clock.start();
    RunStore other(url); // another machine's connection
    const auto id = other.createRun(TrainConfig{}, DatasetInfo{.name = "synthetic"}, 1);
    QTRY_VERIFY_WITH_TIMEOUT(service.run(id) != nullptr, 1900);
    QVERIFY2(clock.elapsed() < 1900, "the run was seen by the poll, not through a notification");
    // Hidden pages are not refreshed for notifications.
    service.watch(false);
    QSignalSpy changed(&service, &RunsService::runsChanged);
    other.rename(id, "quiet");
    QTest::qWait(500);
    QCOMPARE(changed.count(), 0);
}

STUDIO_TEST_MAIN(TestRunsService)
#include "tst_runsservice.moc"
