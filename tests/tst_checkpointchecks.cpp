// Checkpoints are verified before use: damage anywhere in the content is found by the checksum,
// the tensors must be the named architecture's, weights must be finite, the normalisation usable;
// every failure is one plain sentence.
#include "models/ModelRegistry.h"
#include "support/TrainedRuns.h"
#include "training/Checkpoint.h"
#include "training/OptimizerFactory.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;
using test::sameWeights;

namespace {

/// The error loading `path` gives ("" when it loads).
QString loadError(const QString& path)
{
    try {
        loadModelFromCheckpoint(path);
    } catch (const StudioError& e) {
        return e.what();
    }
    return {};
}

CheckpointMeta metaFor(const std::string& model)
{
    CheckpointMeta meta;
    meta.config.model = model;
    meta.position.epoch = 2;
    return meta;
}

} // namespace

class TestCheckpointChecks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void damagedFilesAreRefusedOrLoadUnchanged_data();
    void damagedFilesAreRefusedOrLoadUnchanged();
    void weightsOfAnotherArchitectureAreRefused();
    void nonFiniteWeightsAreRefused();
    void anUnusableNormalisationIsRefused();
    void aNewFormatFileWithoutItsChecksumIsRefused();
    void cleanupTestCase();

private:
    int m_refused = 0, m_unchanged = 0;
    QTemporaryDir m_dir;
    QString m_good;
    QByteArray m_bytes;
    Classifier m_model;
};

void TestCheckpointChecks::initTestCase()
{
    torch::manual_seed(3);
    m_model = buildModel("tiny-v2");
    TrainConfig config;
    config.model = "tiny-v2";
    auto optimizer = makeOptimizer(config, m_model->parameters(), 0.01);
    m_good = m_dir.filePath("good.pt");
    saveCheckpoint(m_good, *m_model, optimizer.get(), metaFor("tiny-v2"));
    QFile f(m_good);
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_bytes = f.readAll();
    QVERIFY(loadError(m_good).isEmpty());
}

void TestCheckpointChecks::damagedFilesAreRefusedOrLoadUnchanged_data()
{
    QTest::addColumn<QByteArray>("bytes");
    // A flipped byte at 40 places spread over the file, 4 KiB of zeros at 5, the file cut short.
    for (int i = 0; i < 40; ++i) {
        auto b = m_bytes;
        const auto at = qsizetype((std::int64_t(b.size()) * (2 * i + 1)) / 80);
        b[at] = char(b[at] ^ 0x5a);
        QTest::newRow(qPrintable(QString("byte %1 flipped").arg(at))) << b;
    }
    for (int i = 0; i < 5; ++i) {
        auto b = m_bytes;
        const auto at = qsizetype((std::int64_t(b.size() - 4096) * i) / 4);
        b.replace(at, 4096, QByteArray(4096, '\0'));
        QTest::newRow(qPrintable(QString("zeros at %1").arg(at))) << b;
    }
    // The zip's own fields (found by libFuzzer): either count of the directory's entries zeroed, the
    // alignment padding of the first entry (its local header's extra field) overwritten.
    const auto eocd = m_bytes.lastIndexOf(QByteArray("PK\x05\x06", 4));
    QVERIFY(eocd > 0);
    for (const int field : {8, 10}) {
        auto b = m_bytes;
        b[eocd + field] = b[eocd + field + 1] = 0;
        QTest::newRow(qPrintable(QString("directory count at +%1 zeroed").arg(field))) << b;
    }
    auto padded = m_bytes;
    const auto padding = padded.indexOf("ZZZZ");
    QVERIFY(padding > 0);
    padded.replace(padding, 4, "\x01\x02\x03\x04");
    QTest::newRow("padding overwritten") << padded;
    QTest::newRow("cut in half") << m_bytes.left(m_bytes.size() / 2);
    QTest::newRow("empty") << QByteArray();
}

void TestCheckpointChecks::damagedFilesAreRefusedOrLoadUnchanged()
{
    QFETCH(QByteArray, bytes);
    const auto path = m_dir.filePath("damaged.pt");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
    f.close();
    try {
        const auto loaded = loadModelFromCheckpoint(path);
        // Damage outside the content (zip padding, alignment): the same weights and meta, or refused.
        QVERIFY(sameWeights(*loaded.model, *m_model));
        QCOMPARE(loaded.meta.position.epoch, 2);
        ++m_unchanged;
    } catch (const StudioError& e) {
        const QString message = e.what();
        QVERIFY2(message.startsWith("Checkpoint " + path + " is damaged (") ||
                     message.startsWith("Checkpoint " + path + " is not a checkpoint ("),
                 e.what());
        QVERIFY2(!message.contains('\n') && !message.contains("()"), e.what());
        ++m_refused;
    }
}

void TestCheckpointChecks::weightsOfAnotherArchitectureAreRefused()
{
    // tf-cnn weights labelled simple-cnn, tiny-v3 weights labelled tiny-v2.
    const std::pair<const char*, const char*> cases[] = {{"tf-cnn", "simple-cnn"}, {"tiny-v3", "tiny-v2"}};
    for (const auto& [holds, says] : cases) {
        const auto path = m_dir.filePath(QString("%1-as-%2.pt").arg(holds, says));
        saveCheckpoint(path, *buildModel(holds), nullptr, metaFor(says));
        const auto error = loadError(path);
        QVERIFY2(error.contains(QString("says it holds a %1 model, but ").arg(says)) &&
                     error.endsWith("its weights belong to another architecture."),
                 qPrintable(error));
    }
    QVERIFY2(loadError(m_dir.filePath("tf-cnn-as-simple-cnn.pt")).contains("is Float ["), "names the tensor's shape");
}

void TestCheckpointChecks::nonFiniteWeightsAreRefused()
{
    auto model = buildModel("tiny-v2");
    {
        torch::NoGradGuard guard;
        model->parameters()[1][0] = std::nan("");
    }
    const auto path = m_dir.filePath("nan.pt");
    saveCheckpoint(path, *model, nullptr, metaFor("tiny-v2"));
    const auto error = loadError(path);
    QVERIFY2(error.contains("holds NaN or infinite values in ") && error.endsWith("it cannot be used."),
             qPrintable(error));
}

void TestCheckpointChecks::anUnusableNormalisationIsRefused()
{
    auto meta = metaFor("tiny-v2");
    meta.data.std = 0.0;
    const auto path = m_dir.filePath("std0.pt");
    saveCheckpoint(path, *m_model, nullptr, meta);
    const auto error = loadError(path);
    QVERIFY2(error.contains("records an unusable input normalisation (mean 0.1307, std 0)"), qPrintable(error));
}

void TestCheckpointChecks::aNewFormatFileWithoutItsChecksumIsRefused()
{
    // The inner archive of a format-3 file written bare, as a tool rewriting it might: its meta says 3.
    torch::serialize::OutputArchive bare, model;
    m_model->save(model);
    bare.write("model", model);
    bare.write("meta", c10::IValue(std::string(R"({"format":"mnist-studio-checkpoint","version":3,)"
                                               R"("config":{"model":"tiny-v2"}})")));
    const auto path = m_dir.filePath("bare.pt");
    bare.save_to(path.toStdString());
    QVERIFY2(loadError(path).contains("is damaged (its checksummed content is missing)"), qPrintable(loadError(path)));
}

void TestCheckpointChecks::cleanupTestCase()
{
    qInfo("damaged files: %d refused, %d loaded unchanged (damage outside the content)", m_refused, m_unchanged);
    QVERIFY(m_refused >= 40); // nearly all of the file is content
}

STUDIO_TEST_GUILESS_MAIN(TestCheckpointChecks)
#include "tst_checkpointchecks.moc"
