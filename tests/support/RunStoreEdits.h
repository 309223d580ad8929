#pragma once
#include <QString>

#include <cstdint>

namespace studio::test {

/// Runs `sql` on the store at `location` (a runs folder or a postgresql:// URL) through a
/// connection of its own, as another process would; the rows it changed, or -1 when the database
/// cannot be opened or the statement fails.
int execOnStore(const QString& location, const QString& sql);

/// Makes run `id` look as if its training process had died (a kill -9): its pid becomes one no
/// process has. False if the run could not be changed.
bool markProcessGone(const QString& location, std::int64_t id);

/// The URL of the PostgreSQL server the test command started (the file $MNIST_STUDIO_TEST_POSTGRES
/// names holds it), or "" when there is none.
QString postgresUrl();

/// A new, empty run store for `backend`: "sqlite" → `folder`; "postgresql" → a new database on the
/// test server (its runs' folders in `folder`, set as $MNIST_STUDIO_ARTIFACTS for this process and
/// its children), or "" when no server was started.
QString freshStore(const QString& backend, const QString& folder);

/// For initTestCase_data(): a global "backend" column with the rows "sqlite" and "postgresql", so
/// every test of the class runs on both (STUDIO_FRESH_STORE gives each its store).
void addStoreBackends();

} // namespace studio::test

/// In a test run for each backend (initTestCase_data with a "backend" column): the location of a
/// fresh store in `folder`, skipping the test when the backend is missing.
#define STUDIO_FRESH_STORE(var, folder)                                                                                \
    QFETCH_GLOBAL(QString, backend);                                                                                   \
    const QString var = studio::test::freshStore(backend, folder);                                                     \
    if (var.isEmpty())                                                                                                 \
        QSKIP("no test PostgreSQL server: the test command starts one ($MNIST_STUDIO_TEST_POSTGRES)");
