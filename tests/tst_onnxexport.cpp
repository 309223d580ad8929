// ONNX export: every architecture written as ONNX and run back through OpenCV's DNN module gives
// LibTorch's logits; the file carries what a deployment needs and passes ONNX's own checker.
#include "support/SyntheticData.h"

#include "data/Dataset.h"
#include "data/ModelInput.h"
#include "inference/OnnxExport.h"
#include "inference/OnnxModel.h"
#include "models/ModelRegistry.h"
#include "util/StudioError.h"
#include "support/TestMain.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/cloneable.h>
#include <torch/nn/functional/loss.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace studio;

class TestOnnxExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyArchitectureGivesLibTorchsLogits_data();
    void everyArchitectureGivesLibTorchsLogits();
    void metadataDescribesTheModelAndItsData();
    void theReadmeSnippetOpensTheFile();
    void badOutputPathsAreNamed();
    void filesOpenCvCannotReadAreNamed();
    void aModelThatIsNotAChainOfItsLayersIsRefused();

private:
    LoadedModel model(const std::string& id, Activation activation = Activation::ReLU) const;
    QTemporaryDir m_dir;
    Dataset m_data; ///< real MNIST when fetched, else the synthetic set
};

void TestOnnxExport::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const auto mnist = test::mnistFolder();
    m_data = mnist.isEmpty() ? test::syntheticDataset(30, 26) : loadDataset(mnist.toStdString());
    QVERIFY(m_data.test.size() >= 256);
}

/// `id` trained for a few steps (so its logits tell images apart and its batch-norm statistics are
/// real ones, not the identity).
LoadedModel TestOnnxExport::model(const std::string& id, Activation activation) const
{
    torch::manual_seed(7);
    ModelOptions options;
    options.activation = activation;
    auto m = buildModel(id, options);
    m->train();
    torch::optim::Adam adam(m->parameters(), torch::optim::AdamOptions(3e-3));
    for (int step = 0; step < 16; ++step) {
        const auto batch = m_data.train.images.slice(0, step * 32, step * 32 + 32);
        const auto labels = m_data.train.labels.slice(0, step * 32, step * 32 + 32);
        adam.zero_grad();
        torch::nn::functional::cross_entropy(m->forward(toModelInput(batch, m_data.mean, m_data.std)), labels)
            .backward();
        adam.step();
    }
    m->eval();
    LoadedModel loaded{m, {}};
    loaded.meta.config.model = id;
    loaded.meta.data = m_data;
    return loaded;
}

void TestOnnxExport::everyArchitectureGivesLibTorchsLogits_data()
{
    QTest::addColumn<QString>("id");
    QTest::addColumn<bool>("sigmoid");
    for (const auto& info : modelRegistry()) {
        QTest::newRow(info.id.c_str()) << QString::fromStdString(info.id) << false;
        // The sigmoid CNNs' logits barely move in a few training steps (saturation), which would
        // make the comparison vacuous; the MLP's carry the Sigmoid node.
        if (info.hasActivationChoice && info.id == "mlp")
            QTest::newRow((info.id + " sigmoid").c_str()) << QString::fromStdString(info.id) << true;
    }
}

void TestOnnxExport::everyArchitectureGivesLibTorchsLogits()
{
    QFETCH(QString, id);
    QFETCH(bool, sigmoid);
    const auto loaded = model(id.toStdString(), sigmoid ? Activation::Sigmoid : Activation::ReLU);
    const auto path = m_dir.filePath(id + (sigmoid ? "-sigmoid" : "") + ".onnx");
    const auto written = exportOnnx(loaded, path);
    QCOMPARE(written.parameters, countParameters(*loaded.model));
    QCOMPARE(written.opset, 13);
    QCOMPARE(QFileInfo(path).size(), written.bytes);

    const auto images = m_data.test.images.slice(0, 0, 256);
    torch::Tensor expected;
    {
        torch::NoGradGuard noGrad;
        expected = loaded.model->forward(toModelInput(images, m_data.mean, m_data.std));
    }
    OnnxModel onnx(path);
    const auto actual = onnx.logits(images.unsqueeze(1).to(torch::kFloat) / 255);
    QCOMPARE(actual.sizes().vec(), expected.sizes().vec());
    const double diff = (actual - expected).abs().max().item<double>();
    qInfo("%s: largest logit difference %.2g over 256 images", qPrintable(id), diff);
    QVERIFY2(diff <= 1e-4, qPrintable(QString("largest logit difference %1").arg(diff)));
    QVERIFY(actual.argmax(1).equal(expected.argmax(1)));
    // The logits vary between images by far more than the tolerance: not a comparison of constants.
    const double spread = expected.std(0).max().item<double>();
    QVERIFY2(spread > 1e-2, qPrintable(QString("logits vary by %1 between images").arg(spread)));
}

void TestOnnxExport::metadataDescribesTheModelAndItsData()
{
    auto loaded = model("simple-cnn");
    loaded.meta.data.name = "Fashion-MNIST";
    loaded.meta.data.classNames = classNamesFor("Fashion-MNIST");
    loaded.meta.config.learningRate = 0.0025;
    const auto path = m_dir.filePath("fashion.onnx");
    exportOnnx(loaded, path, {{"run", "12"}});
    const OnnxModel onnx(path);
    const auto& meta = onnx.metadata();
    QCOMPARE(QString::fromStdString(meta.at("architecture")), QString("simple-cnn"));
    QCOMPARE(QString::fromStdString(meta.at("normalisation_mean")).toDouble(), m_data.mean);
    QCOMPARE(QString::fromStdString(meta.at("normalisation_std")).toDouble(), m_data.std);
    QCOMPARE(QString::fromStdString(meta.at("data_fingerprint")), QString::fromStdString(m_data.fingerprint));
    QCOMPARE(QString::fromStdString(meta.at("dataset")), QString("Fashion-MNIST"));
    QCOMPARE(QString::fromStdString(meta.at("run")), QString("12"));
    QCOMPARE(onnx.className(9), std::string("Ankle boot"));
    QCOMPARE(onnx.className(0), std::string("T-shirt/top"));
    const auto config = configFromJson(QJsonDocument::fromJson(QByteArray::fromStdString(meta.at("config"))).object());
    QCOMPARE(config.model, std::string("simple-cnn"));
    QCOMPARE(config.learningRate, 0.0025);
}

/// The README's Python lines, run as written with Debian's python3-onnx on an exported file.
void TestOnnxExport::theReadmeSnippetOpensTheFile()
{
    QFile readme(QDir(qEnvironmentVariable("MNIST_STUDIO_SOURCE")).filePath("README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QString text = readme.readAll();
    const auto match = QRegularExpression("<!-- onnx-python -->\\s*```python\\n(.*?)```",
                                          QRegularExpression::DotMatchesEverythingOption)
                           .match(text);
    QVERIFY2(match.hasMatch(), "README.md has no <!-- onnx-python --> snippet");
    exportOnnx(model("simple-cnn"), m_dir.filePath("model.onnx"));
    QProcess python;
    python.setWorkingDirectory(m_dir.path());
    python.start("/usr/bin/python3", {"-c", match.captured(1)});
    QVERIFY(python.waitForFinished(60000));
    const QString out = python.readAllStandardOutput(), err = python.readAllStandardError();
    QVERIFY2(python.exitCode() == 0, qPrintable(err));
    QVERIFY2(out.contains("simple-cnn") && out.contains("[\"0\",\"1\""), qPrintable(out));
}

void TestOnnxExport::badOutputPathsAreNamed()
{
    const auto loaded = model("mlp");
    const auto refused = [&](const QString& path) -> QString {
        try {
            exportOnnx(loaded, path);
        } catch (const StudioError& e) {
            return e.what();
        }
        return {};
    };
    QVERIFY(refused(m_dir.path()).contains("is a folder"));
    QVERIFY(refused(m_dir.filePath("no/such/folder/m.onnx")).contains("does not exist"));
    QVERIFY(refused("").contains("needs a file name"));
    // A failed export leaves the file that was there.
    const auto kept = m_dir.filePath("kept.onnx");
    QFile f(kept);
    QVERIFY(f.open(QIODevice::WriteOnly) && f.write("previous") == 8);
    f.close();
    QVERIFY(QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::ExeOwner));
    const auto message = refused(kept);
    QFile::setPermissions(m_dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (message.isEmpty()) // root writes anywhere: the permission cannot stop it
        return;
    QVERIFY2(message.startsWith("Cannot write " + kept), qPrintable(message));
    QFile back(kept);
    QVERIFY(back.open(QIODevice::ReadOnly));
    QCOMPARE(back.readAll(), QByteArray("previous"));
}

void TestOnnxExport::filesOpenCvCannotReadAreNamed()
{
    const auto opened = [](const QString& path) -> QString {
        try {
            OnnxModel m(path);
        } catch (const StudioError& e) {
            return e.what();
        }
        return {};
    };
    QVERIFY(opened(m_dir.filePath("missing.onnx")).startsWith("Cannot read"));
    QFile text(m_dir.filePath("text.onnx"));
    QVERIFY(text.open(QIODevice::WriteOnly) && text.write("not a model\n") > 0);
    text.close();
    QVERIFY(opened(text.fileName()).contains("is not an ONNX model"));
    exportOnnx(model("tf-cnn"), m_dir.filePath("whole.onnx"));
    QFile whole(m_dir.filePath("whole.onnx"));
    QVERIFY(whole.open(QIODevice::ReadOnly));
    QFile cut(m_dir.filePath("cut.onnx"));
    QVERIFY(cut.open(QIODevice::WriteOnly) && cut.write(whole.read(whole.size() / 2)) > 0);
    cut.close();
    QVERIFY(!opened(cut.fileName()).isEmpty());
}

namespace {

/// A classifier whose forward pass does more than run its layers in order.
class DoublingImpl : public torch::nn::Cloneable<DoublingImpl>, public ClassifierImpl {
public:
    DoublingImpl() { reset(); }
    void reset() override { m_fc = register_module("fc", torch::nn::Linear(784, 10)); }
    torch::Tensor forwardTapped(const torch::Tensor& x, LayerTap*) override { return m_fc->forward(x.flatten(1) * 2); }

private:
    torch::nn::Linear m_fc{nullptr};
};

} // namespace

void TestOnnxExport::aModelThatIsNotAChainOfItsLayersIsRefused()
{
    LoadedModel loaded{std::make_shared<DoublingImpl>(), {}};
    loaded.meta.config.model = "doubling";
    loaded.meta.data = m_data;
    const auto path = m_dir.filePath("doubling.onnx");
    try {
        exportOnnx(loaded, path);
        QFAIL("exported");
    } catch (const StudioError& e) {
        QVERIFY2(QString(e.what()).contains("not the chain of its layers"), e.what());
    }
    QVERIFY(!QFile::exists(path));
}

STUDIO_TEST_GUILESS_MAIN(TestOnnxExport)
#include "tst_onnxexport.moc"
