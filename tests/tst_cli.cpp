// End to end: the CLI as a user runs it, on a small generated dataset.
#include "support/SyntheticData.h"
#include "support/CliRunner.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QJsonObject>
#include <QJsonDocument>
#include <QJsonArray>
#include <QImage>
#include <QPainter>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;

namespace {

using Result = test::CliResult;

} // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void trainEvaluateListExport();
    void reportWritesEveryFileAndAReadableHtml();
    void resumeContinuesAStoppedRun();
    void summaryEndsWithTheParameterCount();
    void lrScheduleWritesOneRowPerStep();
    void predictClassifiesImageFiles();
    void anExportedModelPredictsAsItsCheckpoint();
    void badInputGivesAMessageAndNonZeroExit();
    void presetRunsAreNamedAfterThePreset();
    void ablationRunsEveryVariantAndWritesTheTable(); // last: it adds runs the tests above number

private:
    Result cli(const QStringList& args);
    QTemporaryDir m_dir;
    QString m_data, m_runs;
    /// A 280×280 drawing: a black block on white, saved as `name` in the test's folder.
    QString drawBlock(const QString& name, const QRect& block);
};

QString TestCli::drawBlock(const QString& name, const QRect& block)
{
    QImage img(280, 280, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter painter(&img);
    painter.fillRect(block, Qt::black);
    painter.end();
    const auto path = m_dir.filePath(name);
    return img.save(path) ? path : QString();
}

Result TestCli::cli(const QStringList& args)
{
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_DATA", m_data);
    env.insert("MNIST_STUDIO_RUNS", m_runs);
    p.setProcessEnvironment(env);
    p.start(test::cliPath(), args);
    p.waitForFinished(300000);
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}

void TestCli::initTestCase()
{
    m_data = m_dir.filePath("data");
    m_runs = m_dir.filePath("runs");
    test::writeIdxFolder(test::syntheticDataset(30, 10), m_data, true);
}

void TestCli::trainEvaluateListExport()
{
    const auto train = cli({"train", "--model", "simple-cnn", "--num-epochs", "2", "--batch-size", "32", "--threads",
                            "1", "--name", "smoke"});
    QVERIFY2(train.code == 0, qPrintable(train.out + train.err));
    QVERIFY(train.out.contains("epoch 2/2: train loss"));
    QVERIFY(train.out.contains("run 1: completed"));
    QVERIFY(QFile::exists(m_runs + "/run-1/best.pt"));
    QVERIFY(QFile::exists(m_runs + "/run-1/config.json"));

    const auto eval = cli({"evaluate", "--run", "1"});
    QVERIFY2(eval.code == 0, qPrintable(eval.out + eval.err));
    QVERIFY(eval.out.contains("test split: 100 images, accuracy"));
    QFile csv(m_runs + "/run-1/predictions.csv");
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const auto lines = QString(csv.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 101);
    QCOMPARE(lines[0], QString("index,label,pred,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9"));
    QCOMPARE(lines[1].split(',').size(), 13);
    // The run kept its validation predictions every epoch: evaluate derives each validation
    // image's history. Its last epoch's predictions are latest.pt's on the validation split.
    QVERIFY(train.out.contains(" | weakest "));
    QVERIFY2(eval.out.contains("validation images over epochs 1-2:"), qPrintable(eval.out));
    QFile forgetting(m_runs + "/run-1/forgetting.csv");
    QVERIFY(forgetting.open(QIODevice::ReadOnly));
    const auto histories = QString(forgetting.readAll()).trimmed().split('\n');
    QCOMPARE(histories[0], QString("index,label,learned_at,forgetting_events,epochs_correct,last_predicted"));
    QCOMPARE(histories.size(), 1 + 30); // 10 % of 300 training images
    const auto latest = cli({"evaluate", "--run", "1", "--which", "latest", "--split", "validation", "--out",
                             m_dir.filePath("latest-validation")});
    QVERIFY2(latest.code == 0, qPrintable(latest.out + latest.err));
    QFile validation(m_dir.filePath("latest-validation/predictions.csv"));
    QVERIFY(validation.open(QIODevice::ReadOnly));
    const auto predicted = QString(validation.readAll()).trimmed().split('\n');
    QCOMPARE(predicted.size(), histories.size());
    for (int i = 1; i < histories.size(); ++i) {
        const auto h = histories[i].split(','), p = predicted[i].split(',');
        QCOMPARE(h[1], p[1]);                   // the same image
        QCOMPARE(h[5], p[2]);                   // predicted the same
        QCOMPARE(h[2].isEmpty(), h[5] != h[1]); // learned only when right at the last epoch
    }
    // Any pair of IDX files can be scored too.
    const auto idx = cli({"evaluate", "--run", "1", "--images", m_data + "/t10k-images-idx3-ubyte.gz", "--labels",
                          m_data + "/t10k-labels-idx1-ubyte.gz", "--limit-test", "40", "--out", m_dir.filePath("idx")});
    QVERIFY2(idx.code == 0, qPrintable(idx.out + idx.err));
    QVERIFY2(idx.out.contains("t10k-images-idx3-ubyte.gz split: 40 images"), qPrintable(idx.out));
    QVERIFY(!QFile::exists(m_dir.filePath("idx/forgetting.csv"))); // other data: not the run's validation
    QVERIFY(cli({"evaluate", "--run", "1", "--images", m_data + "/t10k-images-idx3-ubyte.gz"})
                .err.contains("--images and --labels go together"));

    const auto list = cli({"runs", "list"});
    QVERIFY(list.out.contains("smoke"));
    QVERIFY(list.out.contains("completed"));
    const auto exported = cli({"runs", "export", "1", "--out", m_dir.filePath("h.csv")});
    QCOMPARE(exported.code, 0);
    QFile h(m_dir.filePath("h.csv"));
    QVERIFY(h.open(QIODevice::ReadOnly));
    QCOMPARE(QString(h.readAll()).trimmed().split('\n').size(), 3);
}

void TestCli::reportWritesEveryFileAndAReadableHtml()
{
    const QString out = m_dir.filePath("report");
    const auto report = cli({"report", "--run", "1", "--out", out, "--bins", "10"});
    QVERIFY2(report.code == 0, qPrintable(report.out + report.err));
    QVERIFY(report.out.contains("test accuracy"));
    const auto rows = [&](const QString& name) {
        QFile f(QDir(out).filePath(name));
        return f.open(QIODevice::ReadOnly) ? QString(f.readAll()).trimmed().split('\n') : QStringList{};
    };
    QCOMPARE(rows("predictions.csv").size(), 1 + 100);
    QCOMPARE(rows("per_class.csv").size(), 1 + 10 + 2);
    QCOMPARE(rows("confusion.csv").size(), 1 + 10 + 1);
    QCOMPARE(rows("confusion.csv").last().split(',').last(), QString("100")); // grand total = images
    QCOMPARE(rows("history.csv").size(), 1 + 2);
    QFile metricsFile(QDir(out).filePath("metrics.json"));
    QVERIFY(metricsFile.open(QIODevice::ReadOnly));
    const auto metrics = QJsonDocument::fromJson(metricsFile.readAll()).object();
    QCOMPARE(metrics["images"].toInt(), 100);
    QCOMPARE(metrics["calibration"].toObject()["bins"].toArray().size(), 10);
    QCOMPARE(rows("errors.csv").size(), 1 + metrics["errors"].toInt());
    // Every chart is there in both formats, and the HTML links only files that exist.
    for (const char* chart : {"loss", "accuracy", "learning-rate", "generalisation-gap", "class-accuracy",
                              "confusion-counts", "confusion-normalised", "reliability", "confidence-histogram"})
        for (const char* suffix : {".png", ".svg"})
            QVERIFY2(QFileInfo(QDir(out).filePath(QString("charts/") + chart + suffix)).size() > 500, chart);
    QFile html(QDir(out).filePath("report.html"));
    QVERIFY(html.open(QIODevice::ReadOnly));
    const QString page = QString::fromUtf8(html.readAll());
    QVERIFY(page.contains("<h2>Confusion matrix (test)</h2>"));
    QVERIFY(page.contains("Reliability diagram"));
    static const QRegularExpression link("href=\"([^\"#]+)\"");
    int links = 0;
    for (auto it = link.globalMatch(page); it.hasNext(); ++links) {
        const QString target = it.next().captured(1);
        QVERIFY2(QFile::exists(QDir(out).filePath(target)), qPrintable(target));
    }
    QCOMPARE(links, 18);
    QVERIFY(page.count("data:image/png;base64,") >= 9); // self-contained: charts embedded
    const auto show = cli({"runs", "show", "1"}).out;   // the store keeps the test result
    QVERIFY2(show.contains(QString("test        %1%").arg(metrics["accuracy"].toDouble() * 100, 0, 'f', 2)),
             qPrintable(show));
}

void TestCli::ablationRunsEveryVariantAndWritesTheTable()
{
    const QString out = m_dir.filePath("study");
    const auto r = cli(
        {"ablate", "--study", "activation", "--num-epochs", "2", "--batch-size", "16", "--threads", "1", "--out", out});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY(r.out.contains("== relu ==") && r.out.contains("== sigmoid =="));
    QFile csv(QDir(out).filePath("ablation.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const auto lines = QString(csv.readAll()).trimmed().split('\n');
    QCOMPARE(lines.size(), 3);
    QVERIFY(lines[0].startsWith("variant,run,model,params,best_val_acc,test_acc,epochs_to_97pct"));
    QVERIFY(lines[1].startsWith("\"relu\","));
    QVERIFY(lines[2].startsWith("\"sigmoid\","));
    for (const auto& line : lines.mid(1)) {
        const auto cells = line.split(',');
        QCOMPARE(cells[2], QString("mlp"));
        QCOMPARE(cells[3], QString("535818"));
        QVERIFY(cells[5].toDouble() > 0); // evaluated on the test split
        QCOMPARE(cells[7], QString("2"));
    }
    QCOMPARE(lines[1].split(',').last().toDouble(), 0.0); // the base against itself
    QVERIFY(QFileInfo(QDir(out).filePath("ablation.png")).size() > 1000);
    QVERIFY(QFileInfo(QDir(out).filePath("ablation.svg")).size() > 1000);

    // A custom study: one field, several values; a bad field or a single value is refused.
    const QStringList customArgs{"ablate",
                                 "--field",
                                 "batch_size",
                                 "--values",
                                 "16,64",
                                 "--model",
                                 "mlp",
                                 "--num-epochs",
                                 "1",
                                 "--threads",
                                 "1",
                                 "--out",
                                 m_dir.filePath("custom"),
                                 "--name",
                                 "batch sizes"};
    const auto custom = cli(customArgs);
    QVERIFY2(custom.code == 0, qPrintable(custom.out + custom.err));
    QVERIFY(custom.out.contains("batch_size=64"));
    // Run again under its name, the study has nothing left to train and writes the same table.
    const auto runsBefore = cli({"runs", "list"}).out.count('\n');
    const auto again = cli(customArgs);
    QVERIFY2(again.code == 0, qPrintable(again.out + again.err));
    QCOMPARE(again.out.count("finished by an earlier attempt"), 2);
    QCOMPARE(cli({"runs", "list"}).out.count('\n'), runsBefore);
    QVERIFY(cli({"ablate", "--field", "batch_sise", "--values", "1,2"})
                .err.contains("Unknown config field \"batch_sise\""));
    QVERIFY(cli({"ablate", "--field", "batch_size", "--values", "16"}).err.contains("at least two values"));
    QVERIFY(cli({"ablate", "--study", "dropout"}).err.contains("built-in studies: residual, augmentation, activation"));
}

void TestCli::resumeContinuesAStoppedRun()
{
    // A run stopped by SIGINT (Ctrl-C) is resumable and resumes to completion.
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_DATA", m_data);
    env.insert("MNIST_STUDIO_RUNS", m_runs);
    p.setProcessEnvironment(env);
    p.start(test::cliPath(), {"train", "--model", "mlp", "--num-epochs", "30", "--batch-size", "8", "--threads", "1"});
    QVERIFY(p.waitForStarted());
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("epoch 1/30:"), 60000);
    p.terminate(); // SIGTERM, handled like Ctrl-C
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 130);
    const auto show = cli({"runs", "show", "2"});
    QVERIFY2(show.out.contains("status      stopped"), qPrintable(show.out));
    const auto resumed = cli({"resume", "--run", "2"});
    QVERIFY2(resumed.out.contains("resuming mlp at epoch"), qPrintable(resumed.out + resumed.err));
    QCOMPARE(resumed.code, 0);
    QVERIFY(resumed.out.contains("epoch 30/30:"));
    QVERIFY(resumed.out.contains("run 2: completed"));
    QVERIFY(!resumed.out.contains("epoch 1/30:"));   // it continued, it did not start over
    QCOMPARE(cli({"resume", "--run", "2"}).code, 1); // nothing left to resume
}

void TestCli::summaryEndsWithTheParameterCount()
{
    const auto r = cli({"summary", "--arch", "tiny-v3"});
    QCOMPARE(r.code, 0);
    QCOMPARE(r.out.trimmed().split('\n').last(), QString("total params: 8650"));
    QVERIFY(r.out.contains("conv1"));
}

void TestCli::lrScheduleWritesOneRowPerStep()
{
    const auto r = cli({"lr-schedule", "--preset", "seed003-tiny", "--train-images", "1000", "--val-fraction", "0"});
    QCOMPARE(r.code, 0);
    const auto rows = r.out.trimmed().split('\n');
    QCOMPARE(rows.size(), 1 + 15 * 8); // 1000 images / 128 = 8 batches, 15 epochs
    QCOMPARE(rows[0], QString("step,epoch,lr"));
    QVERIFY(rows[1].startsWith("0,0.0000,0.1"));
}

void TestCli::predictClassifiesImageFiles()
{
    // Class 3 of the synthetic set is a bright block in the top row, fourth column.
    const auto path = drawBlock("digit.png", QRect(150, 30, 50, 80));
    const auto r = cli({"predict", "--run", "1", path});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY(r.out.startsWith(path + ": "));
    const auto probs = r.out.section('[', 1).section(']', 0, 0).split(' ');
    QCOMPARE(probs.size(), 10);
    double sum = 0;
    for (const auto& p : probs)
        sum += p.toDouble();
    QVERIFY(std::abs(sum - 1.0) < 1e-3);
    // A temperature above 1 softens the probabilities and keeps the predicted class.
    const auto warm = cli({"predict", "--run", "1", "--temperature", "4", path});
    QVERIFY2(warm.code == 0, qPrintable(warm.err));
    const auto warmProbs = warm.out.section('[', 1).section(']', 0, 0).split(' ');
    const auto top = [](const QStringList& p) {
        return int(std::max_element(p.begin(), p.end(), [](auto& a, auto& b) { return a.toDouble() < b.toDouble(); }) -
                   p.begin());
    };
    QCOMPARE(top(warmProbs), top(probs));
    QVERIFY(warmProbs[top(probs)].toDouble() < probs[top(probs)].toDouble());
    QVERIFY(cli({"predict", "--run", "1", "--temperature", "-2", path}).err.contains("positive"));
}

void TestCli::anExportedModelPredictsAsItsCheckpoint()
{
    const auto image = drawBlock("export-digit.png", QRect(40, 150, 60, 90));
    const auto model = m_dir.filePath("run1.onnx");
    const auto exported = cli({"export", "--run", "1", "--out", model});
    QVERIFY2(exported.code == 0, qPrintable(exported.err));
    QVERIFY2(exported.out.startsWith("wrote " + model + ": "), qPrintable(exported.out));
    QVERIFY(exported.out.contains("ONNX opset 13"));
    // The same line, probabilities to four decimals, from LibTorch and from OpenCV's DNN module.
    const auto fromCheckpoint = cli({"predict", "--run", "1", image});
    const auto fromOnnx = cli({"predict", "--onnx", model, image});
    QVERIFY2(fromOnnx.code == 0, qPrintable(fromOnnx.err));
    QVERIFY(fromOnnx.out.startsWith(image + ": "));
    QCOMPARE(fromOnnx.out, fromCheckpoint.out);

    const auto format = cli({"export", "--run", "1", "--format", "tflite", "--out", model});
    QCOMPARE(format.code, 1);
    QVERIFY2(format.err.contains("--format tflite"), qPrintable(format.err));
    const auto folder = cli({"export", "--run", "1", "--out", m_dir.path()});
    QCOMPARE(folder.code, 1);
    QVERIFY2(folder.err.contains("is a folder"), qPrintable(folder.err));
    const auto both = cli({"predict", "--onnx", model, "--run", "1", image});
    QCOMPARE(both.code, 1);
    QVERIFY(both.err.contains("one of --checkpoint FILE, --run ID or --onnx FILE"));
    const auto notOnnx = cli({"predict", "--onnx", m_runs + "/run-1/best.pt", image});
    QCOMPARE(notOnnx.code, 1);
    QVERIFY2(notOnnx.err.contains("is not an ONNX model"), qPrintable(notOnnx.err));
}

void TestCli::badInputGivesAMessageAndNonZeroExit()
{
    auto r = cli({"train", "--learning-rate", "0"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("learning_rate must be between"), qPrintable(r.err));
    r = cli({"train", "--model", "resnet50"});
    QVERIFY(r.err.contains("model \"resnet50\" is unknown"));
    r = cli({"evaluate", "--checkpoint", m_dir.filePath("nope.pt")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("nope.pt does not exist"));
    r = cli({"frobnicate"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("unknown command"));
    QProcess p;
    auto env = QProcessEnvironment::systemEnvironment();
    env.insert("MNIST_STUDIO_DATA", m_dir.filePath("empty"));
    env.insert("MNIST_STUDIO_RUNS", m_runs);
    p.setProcessEnvironment(env);
    p.start(test::cliPath(), {"train", "--num-epochs", "1"});
    p.waitForFinished(60000);
    const QString err = p.readAllStandardError();
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(err.contains("No IDX dataset found. Looked in:") && err.contains("from MNIST_STUDIO_DATA"),
             qPrintable(err));
    r = cli({"predict", "--run", "1", m_dir.filePath("missing.png")});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("Cannot read image"));
}

void TestCli::presetRunsAreNamedAfterThePreset()
{
    const auto r = cli({"train", "--preset", "seed002-mlp", "--num-epochs", "1", "--threads", "1"});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const auto id = r.out.section("run ", 1, 1).section(':', 0, 0);
    const auto show = cli({"runs", "show", id});
    QVERIFY2(show.out.startsWith("run " + id + " seed002-mlp\n"), qPrintable(show.out.left(80)));
    const auto named =
        cli({"train", "--preset", "seed002-mlp", "--name", "mine", "--num-epochs", "1", "--threads", "1"});
    QVERIFY(named.out.contains("completed"));
    QVERIFY(cli({"runs", "list"}).out.contains("mine"));
    // Without a validation split the lines say so instead of "nan".
    const auto blind =
        cli({"train", "--model", "tiny-v1", "--num-epochs", "2", "--val-fraction", "0", "--threads", "1"});
    QVERIFY2(blind.code == 0, qPrintable(blind.err));
    QVERIFY2(!blind.out.contains("nan", Qt::CaseInsensitive), qPrintable(blind.out));
    QVERIFY2(blind.out.contains("epoch 2/2: train loss") && blind.out.contains("| no validation |"),
             qPrintable(blind.out));
    QVERIFY2(blind.out.contains("completed (2 epochs, no validation)"), qPrintable(blind.out));
}

STUDIO_TEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
