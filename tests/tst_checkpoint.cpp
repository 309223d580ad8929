#include "models/ModelRegistry.h"
#include "support/Fixtures.h"
#include "training/Checkpoint.h"
#include "training/OptimizerFactory.h"
#include "util/LibraryVersions.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/resource.h>

using namespace studio;

namespace {
bool sameState(torch::nn::Module& a, torch::nn::Module& b)
{
    const auto pa = a.named_parameters(), pb = b.named_parameters();
    const auto ba = a.named_buffers(), bb = b.named_buffers();
    for (const auto& p : pa)
        if (!torch::equal(p.value(), pb[p.key()]))
            return false;
    for (const auto& p : ba)
        if (!torch::equal(p.value(), bb[p.key()]))
            return false;
    return pa.size() == pb.size() && ba.size() == bb.size();
}
} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripRestoresWeightsBuffersAndMeta();
    void corruptOrForeignFilesGiveClearErrors();
    void anotherArchitectureIsRejected();
    void failedWriteKeepsThePreviousCheckpoint();
    void everyArchitectureHoldsTheStateOfEarlierVersions();
    void checkpointsOfEarlierVersionsGiveTheSameOutputs_data();
    void checkpointsOfEarlierVersionsGiveTheSameOutputs();
};

void TestCheckpoint::roundTripRestoresWeightsBuffersAndMeta()
{
    QTemporaryDir dir;
    TrainConfig config;
    config.model = "resnet";
    auto model = buildModel("resnet");
    model->train();
    model->forward(torch::randn({4, 1, 28, 28})); // moves BatchNorm running stats
    auto optimizer = makeOptimizer(config, model->parameters(), 0.01);
    CheckpointMeta meta;
    meta.config = config;
    meta.position.epoch = 3;
    meta.position.batch = 17;
    meta.position.step = 1234;
    meta.position.early = {0.25, 2, 1};
    meta.data.name = "MNIST";
    meta.data.fingerprint = "ab12";
    meta.data.classNames = {"zero", "one"};
    meta.data.mean = 0.2;
    meta.data.std = 0.4;
    meta.valAccuracy = 0.987;
    const auto path = dir.filePath("c.pt");
    saveCheckpoint(path, *model, optimizer.get(), meta);

    const auto loaded = loadModelFromCheckpoint(path);
    QVERIFY(sameState(*model, *loaded.model));
    QCOMPARE(loaded.meta.position.step, 1234);
    QCOMPARE(loaded.meta.position.batch, 17);
    QCOMPARE(loaded.meta.position.early.bestEpoch, 2);
    QCOMPARE(loaded.meta.data.mean, 0.2);
    QCOMPARE(loaded.meta.data.fingerprint, std::string("ab12"));
    QCOMPARE(loaded.meta.data.className(1), std::string("one"));
    QCOMPARE(loaded.meta.versions.value("libtorch").toString(), QString::fromStdString(libtorchVersion()));
    QCOMPARE(loaded.meta.valAccuracy, 0.987);
    QVERIFY(loaded.meta.config == config);
    QVERIFY(!loaded.model->is_training());
}

void TestCheckpoint::corruptOrForeignFilesGiveClearErrors()
{
    QTemporaryDir dir;
    const auto path = dir.filePath("bad.pt");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("this is not a zip archive at all");
    f.close();
    try {
        readCheckpointMeta(path);
        QFAIL("corrupt checkpoint accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("bad.pt is not a checkpoint (it is not a LibTorch archive)"), e.what());
    }
    try {
        readCheckpointMeta(dir.filePath("nothing.pt"));
        QFAIL("missing checkpoint accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("does not exist"), e.what());
    }
    // A valid torch archive without our metadata.
    torch::serialize::OutputArchive foreign;
    foreign.write("weights", torch::ones({3}));
    foreign.save_to(dir.filePath("foreign.pt").toStdString());
    try {
        readCheckpointMeta(dir.filePath("foreign.pt"));
        QFAIL("foreign checkpoint accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("not a MNIST Studio checkpoint"), e.what());
    }
}

void TestCheckpoint::anotherArchitectureIsRejected()
{
    QTemporaryDir dir;
    TrainConfig config;
    config.model = "tiny-v1";
    auto tiny = buildModel("tiny-v1");
    CheckpointMeta meta;
    meta.config = config;
    saveCheckpoint(dir.filePath("tiny.pt"), *tiny, nullptr, meta);
    auto other = buildModel("simple-cnn");
    try {
        loadCheckpoint(dir.filePath("tiny.pt"), *other, nullptr);
        QFAIL("mismatched architecture accepted");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("says it holds a tiny-v1 model, but its tensor conv1.0.weight is Float "
                                            "[8, 1, 3, 3], not Float [32, 1, 3, 3]"),
                 e.what());
    }
}

void TestCheckpoint::failedWriteKeepsThePreviousCheckpoint()
{
    QTemporaryDir dir;
    auto model = buildModel("tiny-v2");
    CheckpointMeta meta;
    meta.config.model = "tiny-v2";
    meta.position.epoch = 1;
    const auto path = dir.filePath("latest.pt");
    saveCheckpoint(path, *model, nullptr, meta);
    const auto sizeBefore = QFileInfo(path).size();
    QVERIFY(sizeBefore > 20000);

    // Simulate a full disk (works for root too): files may not grow past 8 KiB.
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit old{};
    getrlimit(RLIMIT_FSIZE, &old);
    rlimit tiny = old;
    tiny.rlim_cur = 8192;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &tiny), 0);
    meta.position.epoch = 2;
    QString message;
    try {
        saveCheckpoint(path, *model, nullptr, meta);
    } catch (const StudioError& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    // The cause (EFBIG here, ENOSPC on a full disk), not QSaveFile's "Writing canceled by application".
    QVERIFY2(message.contains("Cannot write checkpoint " + path + ": File too large (the previous one is kept)."),
             qPrintable(message));
    tiny.rlim_cur = 8192;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &tiny), 0);
    try {
        saveCheckpoint(dir.filePath("first.pt"), *model, nullptr, meta);
    } catch (const StudioError& e) {
        message = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old);
    QVERIFY2(message.endsWith("first.pt: File too large."), qPrintable(message)); // no previous one to keep
    QCOMPARE(QFileInfo(path).size(), sizeBefore);
    QCOMPARE(readCheckpointMeta(path).position.epoch, 1);
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1); // no temporary file left behind
}

void TestCheckpoint::everyArchitectureHoldsTheStateOfEarlierVersions()
{
    // "<model> param|buffer <name> <sizes…>" per tensor, as models-v2 was built (see its README).
    QFile file(test::fixturePath("models-v2/state.txt"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QMap<QString, QStringList> recorded;
    for (const auto& line : QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts))
        recorded[line.section(' ', 0, 0)] << line.section(' ', 1);
    QCOMPARE(recorded.size(), qsizetype(9)); // every architecture of that version…
    for (const auto& id : recorded.keys())   // …still exists
        QVERIFY2(findModel(id.toStdString()), qPrintable(id));
    for (const auto& info : modelRegistry()) {
        if (!recorded.contains(QString::fromStdString(info.id)))
            continue; // added since (fast-cnn)
        auto model = buildModel(info.id);
        QStringList now;
        auto describe = [&](const char* kind, const auto& named) {
            for (const auto& t : named) {
                QString line = QString("%1 %2").arg(kind, QString::fromStdString(t.key()));
                for (auto size : t.value().sizes())
                    line += ' ' + QString::number(size);
                now << line;
            }
        };
        describe("param", model->named_parameters());
        describe("buffer", model->named_buffers());
        QCOMPARE(now, recorded.value(QString::fromStdString(info.id)));
    }
}

void TestCheckpoint::checkpointsOfEarlierVersionsGiveTheSameOutputs_data()
{
    QTest::addColumn<QString>("model");
    for (const char* id : {"tiny-v1", "tiny-v2", "tiny-v3", "tf-cnn"})
        QTest::newRow(id) << QString(id);
}

void TestCheckpoint::checkpointsOfEarlierVersionsGiveTheSameOutputs()
{
    QFETCH(QString, model);
    QFile file(test::fixturePath("models-v2/logits.txt"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    std::vector<float> expected;
    for (const auto& line : QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts))
        if (line.section(' ', 0, 0) == model)
            for (const auto& v : line.section(' ', 1).split(' '))
                expected.push_back(v.toFloat());
    QCOMPARE(expected.size(), std::size_t(40));

    const auto loaded = loadModelFromCheckpoint(test::fixturePath("models-v2/" + model + ".pt"));
    QCOMPARE(QString::fromStdString(loaded.meta.config.model), model);
    QVERIFY(!loaded.model->is_training());
    torch::NoGradGuard noGrad;
    const auto out = loaded.model->forward(torch::linspace(-1, 2, 4 * 784).reshape({4, 1, 28, 28})).contiguous();
    const auto want = torch::from_blob(expected.data(), {4, 10}).clone();
    QVERIFY2(torch::allclose(out, want, 1e-4, 1e-5),
             qPrintable(QString("max difference %1").arg((out - want).abs().max().item<double>())));
}

STUDIO_TEST_GUILESS_MAIN(TestCheckpoint)
#include "tst_checkpoint.moc"
