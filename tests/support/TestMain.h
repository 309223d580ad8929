#pragma once
// Every test unit is compiled into one executable, `studio_tests` (one link and one moc pass
// instead of one per unit); CTest still runs each unit in a process of its own:
// `studio_tests tst_models [QTest options]`. A unit ends with STUDIO_TEST_MAIN(Class) where a
// stand-alone test would have QTEST_MAIN (a QApplication: widgets) or STUDIO_TEST_GUILESS_MAIN
// (QCoreApplication).
#include <QTest>

namespace studio::test {

using TestRunner = int (*)(int argc, char** argv);
/// Registers the unit of `file` (its name is the file's base name, "tst_models"); returns true.
bool registerTest(const char* file, TestRunner run, bool widgets);

} // namespace studio::test

/// In a test function: skips it in the instrumented build (scripts/test-sanitized.sh) with `why`.
/// For the few functions whose minutes there go to LibTorch's training in child processes and add
/// no code the rest of that suite does not already run; the release suite runs them as usual.
#if defined(__SANITIZE_ADDRESS__)
#define STUDIO_SKIP_WHEN_INSTRUMENTED(why) QSKIP("release suite only: " why)
#else
#define STUDIO_SKIP_WHEN_INSTRUMENTED(why) static_cast<void>(0)
#endif

#define STUDIO_TEST_RUNNER(TestObject)                                                                                 \
    [](int argc, char** argv) {                                                                                        \
        TestObject tc;                                                                                                 \
        QTEST_SET_MAIN_SOURCE_PATH                                                                                     \
        return QTest::qExec(&tc, argc, argv);                                                                          \
    }
#define STUDIO_TEST_MAIN(TestObject)                                                                                   \
    [[maybe_unused]] static const bool studio_registered_##TestObject =                                                \
        studio::test::registerTest(__FILE__, STUDIO_TEST_RUNNER(TestObject), true);
#define STUDIO_TEST_GUILESS_MAIN(TestObject)                                                                           \
    [[maybe_unused]] static const bool studio_registered_##TestObject =                                                \
        studio::test::registerTest(__FILE__, STUDIO_TEST_RUNNER(TestObject), false);
