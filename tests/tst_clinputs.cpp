// The CLI given what a hostile user gives it: numbers that do not fit, absurd limits, huge and
// blank images, a damaged checkpoint. One clear message and a non-zero exit each, never a crash
// and never a silently different meaning.
#include "support/CliRunner.h"
#include "support/SyntheticData.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QTest>

using studio::test::CliResult;

class TestCliInputs : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void wholeNumbersThatDoNotFitAreRefused_data();
    void wholeNumbersThatDoNotFitAreRefused();
    void optionsOutOfRangeAreRefused();
    void aDamagedCheckpointGivesOneLine();
    void blankImagesHaveTheirOwnExitCode();
    void hugeImagesAreReadOrRefusedBySize();

private:
    CliResult cli(const QStringList& args) { return studio::test::runCli(args, m_data, m_runs); }
    QTemporaryDir m_dir;
    QString m_data, m_runs;
};

void TestCliInputs::initTestCase()
{
    m_data = m_dir.filePath("data");
    m_runs = m_dir.filePath("runs");
    studio::test::writeIdxFolder(studio::test::syntheticDataset(20, 5), m_data);
    const auto r = cli({"train", "--model", "tiny-v1", "--num-epochs", "1", "--threads", "1"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
}

void TestCliInputs::wholeNumbersThatDoNotFitAreRefused_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("epochs past 2^32") << QStringList{"--num-epochs", "4294967297"}
                                      << "num_epochs must be between 1 and 10000, got 4.29497e+09.";
    QTest::newRow("seed past 2^64") << QStringList{"--seed", "99999999999999999999999"}
                                    << "seed must be between 0 and 4.29497e+09, got 1e+23.";
    QTest::newRow("batch far below") << QStringList{"--batch-size", "-9999999999"}
                                     << "batch_size must be between 1 and 65536, got -1e+10.";
    QTest::newRow("JSON batch 1e20") << QStringList{"--config", "batch.json"}
                                     << "batch_size must be between 1 and 65536, got 1e+20.";
}

void TestCliInputs::wholeNumbersThatDoNotFitAreRefused()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QFile json(m_dir.filePath("batch.json"));
    QVERIFY(json.open(QIODevice::WriteOnly));
    json.write(R"({"batch_size": 1e20})");
    json.close();
    if (args[1] == "batch.json")
        args[1] = json.fileName();
    const auto r = cli(QStringList{"train"} + args);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY(!QDir(m_runs).exists("run-2")); // nothing was trained
}

void TestCliInputs::optionsOutOfRangeAreRefused()
{
    auto r = cli({"evaluate", "--run", "1", "--limit-test", "-1"});
    QCOMPARE(r.code, 1);
    QCOMPARE(r.err.trimmed(), QString("error: --limit-test must be a whole number from 0 to 1000000000, not \"-1\"."));
    r = cli({"evaluate", "--run", "1", "--threads", "lots"});
    QVERIFY2(r.code == 1 && r.err.contains("--threads must be a whole number from 0 to 256"), qPrintable(r.err));
    r = cli({"lr-schedule", "--train-images", "0"});
    QVERIFY2(r.code == 1 && r.err.contains("--train-images must be a whole number from 1"), qPrintable(r.err));
    r = cli({"evaluate", "--run", "1", "--limit-test", "30"});
    QVERIFY2(r.code == 0 && r.out.contains("30 images"), qPrintable(r.out + r.err));
}

void TestCliInputs::aDamagedCheckpointGivesOneLine()
{
    QFile good(m_runs + "/run-1/best.pt");
    QVERIFY(good.open(QIODevice::ReadOnly));
    auto bytes = good.readAll();
    bytes[bytes.size() / 2] = char(bytes[bytes.size() / 2] ^ 0x10);
    const auto path = m_dir.filePath("flipped.pt");
    QFile bad(path);
    QVERIFY(bad.open(QIODevice::WriteOnly));
    bad.write(bytes);
    bad.close();
    for (const auto& command :
         {QStringList{"evaluate", "--checkpoint", path}, QStringList{"predict", "--checkpoint", path, path}}) {
        const auto r = cli(command);
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("error: Checkpoint " + path + " is damaged (") &&
                     r.err.endsWith(") and cannot be used.\n") && r.err.count('\n') == 1,
                 qPrintable(r.err));
    }
}

void TestCliInputs::blankImagesHaveTheirOwnExitCode()
{
    QStringList paths;
    for (const auto& [name, w, colour] :
         {std::tuple{"white", 64, Qt::white}, std::tuple{"black", 64, Qt::black}, std::tuple{"pixel", 1, Qt::white}}) {
        QImage img(w, w, QImage::Format_RGB32);
        img.fill(colour);
        paths << m_dir.filePath(QString(name) + ".png");
        QVERIFY(img.save(paths.back()));
    }
    const auto r = cli(QStringList{"predict", "--run", "1"} + paths);
    QCOMPARE(r.code, 3); // documented: classified what it could, some images held no ink
    QCOMPARE(r.out.count("no ink found (nothing to classify)"), 3);
    // A missing file is an error (1), whatever else the images are.
    QCOMPARE(cli({"predict", "--run", "1", paths[0], m_dir.filePath("missing.png")}).code, 1);
}

void TestCliInputs::hugeImagesAreReadOrRefusedBySize()
{
    // 10000 × 10000 (100 megapixels, above Qt's 128 MB decoding limit as RGB32) is read and scaled.
    QImage huge(10000, 10000, QImage::Format_Grayscale8);
    huge.fill(255);
    for (int y = 3000; y < 7000; ++y)
        std::fill_n(huge.scanLine(y) + 4500, 1000, uchar(0)); // a stroke
    const auto path = m_dir.filePath("huge.png");
    QVERIFY(huge.save(path));
    auto r = cli({"predict", "--run", "1", path});
    QVERIFY2(r.code == 0 && r.out.startsWith(path + ": ") && r.out.contains("(p="), qPrintable(r.out + r.err));
    // Above 100 megapixels: refused from the header, with the size.
    const auto tall = m_dir.filePath("tall.png");
    QVERIFY(QImage(2000, 60000, QImage::Format_Mono).save(tall));
    r = cli({"predict", "--run", "1", tall});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("is 2000 × 60000 pixels; images of up to 100 megapixels are read."), qPrintable(r.err));
}

STUDIO_TEST_GUILESS_MAIN(TestCliInputs)
#include "tst_clinputs.moc"
