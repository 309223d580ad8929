#include "support/RunStoreEdits.h"

#include "runs/RunStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>

namespace studio::test {
namespace {

/// Opens a connection named `name` to `location` (a folder's runs.sqlite, or a server URL).
QSqlDatabase connect(const QString& name, const QString& location)
{
    if (!RunStore::isServerLocation(location)) {
        auto db = QSqlDatabase::addDatabase("QSQLITE", name);
        db.setDatabaseName(QDir(location).filePath("runs.sqlite"));
        return db;
    }
    const QUrl url(location);
    auto db = QSqlDatabase::addDatabase("QPSQL", name);
    db.setHostName(url.host());
    db.setPort(url.port(5432));
    db.setUserName(url.userName());
    db.setPassword(url.password());
    db.setDatabaseName(url.path().mid(1));
    return db;
}

} // namespace

int execOnStore(const QString& location, const QString& sql)
{
    const QString name = QStringLiteral("execOnStore");
    int rows = -1;
    {
        auto db = connect(name, location);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql))
                rows = q.numRowsAffected();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return rows;
}

bool markProcessGone(const QString& location, std::int64_t id)
{
    return execOnStore(location, QString("UPDATE runs SET pid = 999999999 WHERE id = %1").arg(qint64(id))) == 1;
}

QString postgresUrl()
{
    QFile file(qEnvironmentVariable("MNIST_STUDIO_TEST_POSTGRES"));
    if (file.fileName().isEmpty() || !file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).trimmed();
}

QString freshStore(const QString& backend, const QString& folder)
{
    if (backend != "postgresql")
        return folder;
    const QString server = postgresUrl();
    if (server.isEmpty())
        return {};
    static int made = 0;
    const QString database = QString("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++made);
    if (execOnStore(server, "CREATE DATABASE " + database) < 0)
        return {};
    QDir().mkpath(folder);
    qputenv("MNIST_STUDIO_ARTIFACTS", folder.toUtf8());
    QUrl url(server);
    url.setPath("/" + database);
    return url.toString();
}

void addStoreBackends()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QString("sqlite");
    QTest::newRow("postgresql") << QString("postgresql");
}

} // namespace studio::test
