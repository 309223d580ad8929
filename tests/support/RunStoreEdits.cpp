#include "support/RunStoreEdits.h"

#include <QDir>
#include <QSqlDatabase>
#include <QSqlQuery>

namespace studio::test {

bool markProcessGone(const QString& folder, std::int64_t id)
{
    const QString connection = QStringLiteral("markProcessGone");
    bool done = false;
    {
        auto db = QSqlDatabase::addDatabase("QSQLITE", connection);
        db.setDatabaseName(QDir(folder).filePath("runs.sqlite"));
        QSqlQuery q(db);
        done = db.open() && q.exec(QString("UPDATE runs SET pid = 999999999 WHERE id = %1").arg(qint64(id))) &&
               q.numRowsAffected() == 1;
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    return done;
}

} // namespace studio::test
