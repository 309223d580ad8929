#include "data/Dataset.h"
#include "data/IdxReader.h"
#include "support/SyntheticData.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QTemporaryDir>
#include <QTest>

#include <zlib.h>

#include <fstream>

using namespace studio;

namespace {

std::vector<unsigned char> header(unsigned magic, std::vector<unsigned> dims)
{
    std::vector<unsigned char> b = {static_cast<unsigned char>(magic >> 24), static_cast<unsigned char>(magic >> 16),
                                    static_cast<unsigned char>(magic >> 8), static_cast<unsigned char>(magic)};
    for (auto d : dims)
        for (int s = 24; s >= 0; s -= 8)
            b.push_back(static_cast<unsigned char>(d >> s));
    return b;
}

void writeBytes(const QString& path, const std::vector<unsigned char>& bytes)
{
    std::ofstream(path.toStdString(), std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

std::vector<unsigned char> withPayload(std::vector<unsigned char> b, std::size_t n, unsigned char value = 3)
{
    b.insert(b.end(), n, value);
    return b;
}

} // namespace

class TestIdxReader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsValidImagesRawAndGzip();
    void readsValidLabels();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void rejectsTruncatedGzip();
    void loadsADatasetFolderWithStatistics();
    void rejectsImageLabelCountMismatch();
    void realMnistHasCanonicalFirstLabels();
};

void TestIdxReader::readsValidImagesRawAndGzip()
{
    QTemporaryDir dir;
    auto images = torch::randint(0, 256, {5, 28, 28}, torch::kInt64).to(torch::kUInt8);
    for (const char* name : {"/a-idx3-ubyte", "/a-idx3-ubyte.gz"}) {
        const auto path = (dir.path() + name).toStdString();
        writeIdx(path, images);
        const auto read = readIdxImages(path);
        QCOMPARE(read.sizes(), images.sizes());
        QVERIFY(torch::equal(read, images));
    }
}

void TestIdxReader::readsValidLabels()
{
    QTemporaryDir dir;
    const auto path = (dir.path() + "/l-idx1-ubyte").toStdString();
    writeIdx(path, torch::tensor({5, 0, 4, 1, 9}, torch::kUInt8));
    const auto labels = readIdxLabels(path);
    QCOMPARE(labels.dtype(), torch::kInt64);
    QCOMPARE(labels[4].item<std::int64_t>(), 9);
}

void TestIdxReader::rejectsMalformedFiles_data()
{
    QTest::addColumn<QByteArray>("kind");    // images or labels
    QTest::addColumn<QByteArray>("content"); // raw bytes
    QTest::addColumn<QString>("message");    // expected fragment
    auto bytes = [](const std::vector<unsigned char>& v) {
        return QByteArray(reinterpret_cast<const char*>(v.data()), qsizetype(v.size()));
    };
    QTest::newRow("empty file") << QByteArray("images") << QByteArray() << "too short for an IDX header";
    QTest::newRow("not idx") << QByteArray("images") << QByteArray("PK\x03\x04 zip archive") << "wrong magic";
    QTest::newRow("float elements") << QByteArray("images")
                                    << bytes(withPayload(header(0x00000D03, {1, 28, 28}), 784 * 4))
                                    << "unsupported element type 0x0d";
    QTest::newRow("labels given as images")
        << QByteArray("images") << bytes(withPayload(header(0x00000801, {3}), 3)) << "expected 0x00000803";
    QTest::newRow("32x32 images") << QByteArray("images") << bytes(withPayload(header(0x00000803, {2, 32, 32}), 2048))
                                  << "32×32 images; expected 28×28";
    QTest::newRow("truncated payload") << QByteArray("images")
                                       << bytes(withPayload(header(0x00000803, {10, 28, 28}), 784 * 9))
                                       << "truncated: the header declares 7840 data bytes but only 7056 follow";
    QTest::newRow("oversized") << QByteArray("images") << bytes(withPayload(header(0x00000803, {1, 28, 28}), 790))
                               << "oversized: 6 bytes follow";
    QTest::newRow("truncated header") << QByteArray("images") << bytes({0, 0, 8, 3, 0, 0})
                                      << "truncated inside its header";
    QTest::newRow("overflowing dims") << QByteArray("images")
                                      << bytes(header(0x00000803, {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}))
                                      << "overflows";
    QTest::newRow("no images") << QByteArray("images") << bytes(header(0x00000803, {0, 28, 28}))
                               << "declares no images";
    QTest::newRow("no labels") << QByteArray("labels") << bytes(header(0x00000801, {0})) << "declares no labels";
    QTest::newRow("label 12") << QByteArray("labels") << bytes(withPayload(header(0x00000801, {4}), 4, 12))
                              << "label 12 at index 0, outside 0..9";
    QTest::newRow("labels with two dims")
        << QByteArray("labels") << bytes(withPayload(header(0x00000802, {2, 2}), 4)) << "wrong magic 0x00000802";
}

void TestIdxReader::rejectsMalformedFiles()
{
    QFETCH(QByteArray, kind);
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const QString path = dir.path() + "/bad-idx-ubyte";
    writeBytes(path, std::vector<unsigned char>(content.begin(), content.end()));
    try {
        if (kind == "images")
            readIdxImages(path.toStdString());
        else
            readIdxLabels(path.toStdString());
        QFAIL("malformed file was accepted");
    } catch (const StudioError& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(message), qPrintable(what));
        QVERIFY2(what.contains(path), "the message names the file");
    }
}

void TestIdxReader::rejectsTruncatedGzip()
{
    QTemporaryDir dir;
    const auto path = (dir.path() + "/t-idx3-ubyte.gz").toStdString();
    writeIdx(path, torch::zeros({50, 28, 28}, torch::kUInt8));
    std::ifstream in(path, std::ios::binary);
    std::vector<char> all((std::istreambuf_iterator<char>(in)), {});
    all.resize(all.size() / 2);
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(all.data(), static_cast<std::streamsize>(all.size()));
    try {
        readIdxImages(path);
        QFAIL("truncated gzip accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("truncated gzip"), e.what());
    }
    QVERIFY_THROWS_EXCEPTION(StudioError, readIdxImages(dir.path().toStdString() + "/missing-idx3-ubyte"));
}

void TestIdxReader::loadsADatasetFolderWithStatistics()
{
    QTemporaryDir dir;
    const auto synthetic = test::syntheticDataset(3, 2);
    test::writeIdxFolder(synthetic, dir.path(), true);
    const auto d = loadDataset(dir.path().toStdString());
    QCOMPARE(d.train.size(), 30);
    QCOMPARE(d.test.size(), 20);
    QVERIFY(torch::equal(d.train.images, synthetic.train.images));
    // Statistics by an independent computation over all pixels, rounded to 4 decimals.
    const auto x = synthetic.train.images.to(torch::kFloat64).div(255.0);
    QCOMPARE(d.mean, std::round(x.mean().item<double>() * 1e4) / 1e4);
    QCOMPARE(d.std, std::round(x.std(/*unbiased=*/false).item<double>() * 1e4) / 1e4);
}

void TestIdxReader::rejectsImageLabelCountMismatch()
{
    QTemporaryDir dir;
    auto synthetic = test::syntheticDataset(2, 2);
    synthetic.train.labels = synthetic.train.labels.slice(0, 0, 19);
    test::writeIdxFolder(synthetic, dir.path());
    try {
        loadDataset(dir.path().toStdString());
        QFAIL("mismatch accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("holds 20 images but"), e.what());
        QVERIFY2(QString(e.what()).contains("holds 19 labels"), e.what());
    }
}

void TestIdxReader::realMnistHasCanonicalFirstLabels()
{
    const auto folder = test::mnistFolder();
    if (folder.isEmpty())
        QSKIP("MNIST not fetched (scripts/setup.sh --no-build fetches it)");
    const auto d = loadDataset(folder.toStdString());
    QCOMPARE(d.train.size(), 60000);
    QCOMPARE(d.test.size(), 10000);
    QVERIFY(torch::equal(d.train.labels.slice(0, 0, 5), torch::tensor({5, 0, 4, 1, 9}, torch::kInt64)));
    QVERIFY(torch::equal(d.test.labels.slice(0, 0, 5), torch::tensor({7, 2, 1, 0, 4}, torch::kInt64)));
    QCOMPARE(d.mean, 0.1307);
    QCOMPARE(d.std, 0.3081);
    QCOMPARE(d.name, std::string("MNIST"));
}

STUDIO_TEST_GUILESS_MAIN(TestIdxReader)
#include "tst_idxreader.moc"
