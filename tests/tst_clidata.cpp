// End to end: each CLI command that opens a run uses the data the run was trained on, or refuses.
#include "support/Fixtures.h"
#include "support/SyntheticData.h"
#include "support/CliRunner.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;

namespace {

using Result = test::CliResult;

} // namespace

class TestCliData : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void commandsUseTheRunsOwnDataOrRefuse();
    void predictNamesTheClassesOfItsData();
    void runsOfThePreviousVersionKeepWorking();

private:
    /// Runs the CLI with MNIST_STUDIO_DATA = `data` and the runs folder `runs`.
    Result cli(const QStringList& args, const QString& data, const QString& runs);

    QTemporaryDir m_dir;
    Dataset m_a, m_b;
};

Result TestCliData::cli(const QStringList& args, const QString& data, const QString& runs)
{
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_DATA", data);
    env.insert("MNIST_STUDIO_RUNS", runs);
    env.insert("XDG_DATA_HOME", m_dir.filePath("xdg"));
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("STUDIO_CLI"), args);
    p.waitForFinished(300000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

void TestCliData::initTestCase()
{
    m_a = test::syntheticDataset(30, 10, 1);
    m_b = test::syntheticDataset(30, 10, 2);
}

void TestCliData::commandsUseTheRunsOwnDataOrRefuse()
{
    // In-process, tst_rundata runs the same lookups and refusals under the sanitizers.
    STUDIO_SKIP_WHEN_INSTRUMENTED("a dozen CLI processes, ~1.5 minutes instrumented");
    const QString a = m_dir.filePath("one/blocks"), b = m_dir.filePath("two/blocks"), runs = m_dir.filePath("runs");
    test::writeIdxFolder(m_a, a);
    test::writeIdxFolder(m_b, b, true); // the same display name, "blocks", other images
    const auto trained = cli({"train", "--model", "tiny-v1", "--num-epochs", "2", "--threads", "1"}, a, runs);
    QVERIFY2(trained.code == 0, qPrintable(trained.err));
    // A second run stopped with Ctrl-C (SIGTERM is handled alike), resumable.
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_DATA", a);
    env.insert("MNIST_STUDIO_RUNS", runs);
    p.setProcessEnvironment(env);
    p.start(qEnvironmentVariable("STUDIO_CLI"),
            {"train", "--model", "mlp", "--num-epochs", "30", "--batch-size", "8", "--threads", "1"});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("epoch 1/30:"), 60000);
    p.terminate();
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 130);

    // A is moved where the studio does not look; B is the default data location.
    const QString moved = m_dir.filePath("moved/blocks");
    QDir().mkpath(m_dir.filePath("moved"));
    QVERIFY(QDir().rename(a, moved));
    const QString fingerprint = "blocks (fingerprint " + QString::fromStdString(m_a.shortFingerprint());
    for (const auto& args : {QStringList{"resume", "--run", "2"}, QStringList{"evaluate", "--run", "1"},
                             QStringList{"report", "--run", "1"}}) {
        const auto r = cli(args, b, runs);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains(fingerprint) && r.err.contains("Looked in:") && r.err.contains(a),
                 qPrintable(args.join(' ') + ": " + r.err));
        QVERIFY2(!r.err.contains("frame #"), qPrintable(r.err));
    }
    QVERIFY(cli({"runs", "show", "1"}, b, runs).out.contains("test        -\n"));

    // Other data on purpose: labelled, in its own folder, never the run's test result.
    const auto other = cli({"evaluate", "--run", "1", "--data", b}, b, runs);
    QVERIFY2(other.code == 0, qPrintable(other.err));
    QVERIFY2(other.out.startsWith("evaluated on other data: blocks (fingerprint " +
                                  QString::fromStdString(m_b.shortFingerprint())),
             qPrintable(other.out));
    const QString otherFolder = runs + "/run-1/other-data/blocks-" + QString::fromStdString(m_b.shortFingerprint());
    QFile metrics(otherFolder + "/metrics.json");
    QVERIFY2(metrics.open(QIODevice::ReadOnly), qPrintable(metrics.fileName()));
    const auto json = QJsonDocument::fromJson(metrics.readAll()).object();
    QCOMPARE(json.value("other_data").toBool(), true);
    QCOMPARE(json.value("data").toObject().value("fingerprint").toString().toStdString(), m_b.fingerprint);
    QCOMPARE(json.value("trained_on").toObject().value("fingerprint").toString().toStdString(), m_a.fingerprint);
    QVERIFY(!QFile::exists(runs + "/run-1/metrics.json"));
    QVERIFY(cli({"runs", "show", "1"}, b, runs).out.contains("test        -\n"));
    QVERIFY(cli({"evaluate", "--run", "1", "--data", b, "--split", "validation"}, b, runs)
                .err.contains("only the test split"));

    // Named where it now is, A is the run's data again: resume finishes, evaluate stores the result.
    const auto resumed = cli({"resume", "--run", "2", "--data", moved}, b, runs);
    QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
    QVERIFY2(resumed.out.contains("on " + fingerprint), qPrintable(resumed.out));
    QVERIFY(resumed.out.contains("run 2: completed"));
    const auto own = cli({"evaluate", "--run", "1", "--data", moved}, b, runs);
    QVERIFY2(own.code == 0 && !own.out.contains("other data"), qPrintable(own.out + own.err));
    QVERIFY(!cli({"runs", "show", "1"}, b, runs).out.contains("test        -\n"));
    QVERIFY(cli({"runs", "list"}, b, runs).out.contains(" blocks "));
}

void TestCliData::predictNamesTheClassesOfItsData()
{
    // A folder named like Fashion-MNIST gets its class names (the synthetic blocks stand in for garments).
    const QString fashion = m_dir.filePath("fashion-blocks"), runs = m_dir.filePath("fashion-runs");
    test::writeIdxFolder(m_a, fashion);
    const auto trained = cli({"train", "--model", "tiny-v1", "--num-epochs", "1", "--threads", "1"}, fashion, runs);
    QVERIFY2(trained.code == 0, qPrintable(trained.err));
    QVERIFY(trained.out.contains("on Fashion-MNIST"));
    QImage img(280, 280, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter painter(&img);
    painter.fillRect(QRect(60, 30, 50, 80), Qt::black);
    painter.end();
    const auto path = m_dir.filePath("garment.png");
    QVERIFY(img.save(path));
    const auto r = cli({"predict", "--run", "1", path}, fashion, runs);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.startsWith("model trained on Fashion-MNIST (fingerprint"), qPrintable(r.out));
    QVERIFY(r.out.contains("classes: 0 T-shirt/top, 1 Trouser, 2 Pullover"));
    const QString answer = r.out.section('\n', 1, 1).section(": ", 1).section(" (p=", 0, 0);
    const QStringList garments{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                               "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    QVERIFY2(garments.contains(answer), qPrintable(r.out));
}

void TestCliData::runsOfThePreviousVersionKeepWorking()
{
    // In-process, tst_rundata reads the same store under the sanitizers.
    STUDIO_SKIP_WHEN_INSTRUMENTED("resumes and evaluates in CLI processes, ~2.5 minutes instrumented");
    const QString runs = m_dir.filePath("v1");
    QVERIFY(test::copyFolder(test::fixturePath("store-v1"), runs));
    const QString blocks = runs + "/blocks"; // the data they were trained on, found by name and statistics
    const auto listed = cli({"runs", "list"}, blocks, runs);
    QVERIFY2(listed.out.contains("legacy-stopped") && listed.out.contains(" blocks "), qPrintable(listed.out));
    const auto evaluated = cli({"evaluate", "--run", "1"}, blocks, runs);
    QVERIFY2(evaluated.code == 0, qPrintable(evaluated.err));
    QVERIFY(evaluated.out.contains("test split: 200 images"));
    const auto show = cli({"runs", "show", "1"}, blocks, runs);
    QVERIFY2(show.out.contains("dataset     blocks (fingerprint ") && show.out.contains("versions    not recorded"),
             qPrintable(show.out));
    const auto resumed = cli({"resume", "--run", "2"}, blocks, runs);
    QVERIFY2(resumed.code == 0, qPrintable(resumed.err));
    QVERIFY(resumed.out.contains("resuming tiny-v1 at epoch 7, batch 3"));
    QVERIFY(resumed.out.contains("run 2: completed"));
    // On other data of the same name (other statistics) an old run is refused like a new one.
    const QString copy = m_dir.filePath("v1-copy"), other = m_dir.filePath("v1-other/blocks");
    QVERIFY(test::copyFolder(test::fixturePath("store-v1"), copy));
    QVERIFY(QDir(copy + "/blocks").removeRecursively());
    test::writeIdxFolder(m_b, other);
    const auto refused = cli({"evaluate", "--run", "2"}, other, copy);
    QCOMPARE(refused.code, 1);
    QVERIFY2(refused.err.contains("blocks (no fingerprint recorded)") && refused.err.contains(other + " (from "),
             qPrintable(refused.err));
}

STUDIO_TEST_GUILESS_MAIN(TestCliData)
#include "tst_clidata.moc"
