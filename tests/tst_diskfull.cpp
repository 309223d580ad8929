// A full disk, on a real small tmpfs (mounted by the test; it needs root and skips otherwise):
// the checkpoint error names the cause, the run's summary claims no epoch that was not saved, and
// a store on a full disk can still be listed while writes are refused with one message.
#include "support/CliRunner.h"
#include "support/SyntheticData.h"

#include "runs/RunStore.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/mount.h>
#include <unistd.h>

using studio::test::CliResult;

class TestDiskFull : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void aCheckpointThatDoesNotFitEndsTheRunWithItsCause();
    void aFullStoreIsReadOnlyNotUnreadable();
    void cleanupTestCase();

private:
    CliResult cli(const QStringList& args) { return studio::test::runCli(args, m_dir.filePath("data"), m_runs); }
    QTemporaryDir m_dir;
    QString m_mount, m_runs;
    bool m_mounted = false;
};

void TestDiskFull::initTestCase()
{
    m_mount = m_dir.filePath("small");
    QVERIFY(QDir().mkpath(m_mount));
    // 1 MiB: room for the store, not for a simple-cnn checkpoint (1.7 MB).
    if (::mount("tmpfs", QFile::encodeName(m_mount).constData(), "tmpfs", 0, "size=1m") != 0)
        QSKIP("mounting a small tmpfs needs root (the CI runs as root): the full-disk tests did not run");
    m_mounted = true;
    m_runs = m_mount + "/runs";
    studio::test::writeIdxFolder(studio::test::syntheticDataset(20, 5), m_dir.filePath("data"));
}

void TestDiskFull::aCheckpointThatDoesNotFitEndsTheRunWithItsCause()
{
    const auto r = cli({"train", "--model", "simple-cnn", "--num-epochs", "2", "--threads", "1"});
    QCOMPARE(r.code, 1);
    const QString latest = m_runs + "/run-1/latest.pt";
    QVERIFY2(r.err.contains("error: Cannot write checkpoint " + latest + ": No space left on device.\n"),
             qPrintable(r.err)); // the cause, and no claim of a previous checkpoint: there is none
    QVERIFY2(r.out.contains("run 1: error (no epoch finished)"), qPrintable(r.out));
    studio::RunStore store(m_runs);
    const auto run = store.run(1);
    QCOMPARE(run->status, QString("error"));
    QCOMPARE(run->epochsDone, 0);
    QCOMPARE(run->bestEpoch, 0);
    QVERIFY(run->message.contains("No space left on device"));
    QCOMPARE(QDir(m_runs + "/run-1").entryList(QDir::Files), QStringList{"config.json"}); // nothing half-written
}

void TestDiskFull::aFullStoreIsReadOnlyNotUnreadable()
{
    { // fill what is left
        QFile filler(m_mount + "/filler");
        QVERIFY(filler.open(QIODevice::WriteOnly | QIODevice::Unbuffered));
        const QByteArray block(64 * 1024, 'x');
        while (filler.write(block) > 0) {
        }
    }
    auto r = cli({"runs", "list"});
    QVERIFY2(r.code == 0 && r.out.contains("simple-cnn") && r.out.contains("error"), qPrintable(r.out + r.err));
    QVERIFY2(r.err.contains("note: the run store is read-only (the disk is full)"), qPrintable(r.err));
    r = cli({"runs", "show", "1"});
    QVERIFY2(r.code == 0 && r.out.contains("No space left on device"), qPrintable(r.out + r.err));
    r = cli({"train", "--model", "tiny-v1", "--num-epochs", "1", "--threads", "1"});
    QCOMPARE(r.code, 1);
    QCOMPARE(r.err, "error: The run store in " + m_runs +
                        " is read-only now (the disk is full): nothing can be recorded until it can be written "
                        "again.\n");
    QFile::remove(m_mount + "/filler");
    QCOMPARE(studio::RunStore(m_runs).run(1)->status, QString("error")); // nothing lost
}

void TestDiskFull::cleanupTestCase()
{
    if (m_mounted)
        ::umount2(QFile::encodeName(m_mount).constData(), MNT_DETACH);
}

STUDIO_TEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
