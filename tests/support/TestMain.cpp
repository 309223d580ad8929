#include "support/TestMain.h"

#include "util/Allocator.h"

#include <QApplication>
#include <QFileInfo>

#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>

namespace studio::test {
namespace {

struct Unit {
    TestRunner run;
    bool widgets;
};

std::map<std::string, Unit>& units()
{
    static std::map<std::string, Unit> registered;
    return registered;
}

} // namespace

bool registerTest(const char* file, TestRunner run, bool widgets)
{
    units()[QFileInfo(QString::fromLocal8Bit(file)).completeBaseName().toStdString()] = {run, widgets};
    return true;
}

} // namespace studio::test

int main(int argc, char** argv)
{
    studio::keepFreedMemoryMapped(); // as the studio and the CLI do
    const auto& units = studio::test::units();
    const auto unit = argc > 1 ? units.find(argv[1]) : units.end();
    if (unit == units.end()) {
        std::fprintf(stderr, "usage: %s UNIT [QTest options]\nunits:", argv[0]);
        for (const auto& [name, u] : units)
            std::fprintf(stderr, " %s", name.c_str());
        std::fprintf(stderr, "\n");
        return 2;
    }
    // The unit's name takes argv[0]'s place: QTest reads its options from argv[1] on.
    argv[1] = argv[0];
    --argc;
    ++argv;
    std::unique_ptr<QCoreApplication> app;
    if (unit->second.widgets) {
        auto gui = std::make_unique<QApplication>(argc, argv);
        gui->setAttribute(Qt::AA_Use96Dpi, true);
        app = std::move(gui);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    return unit->second.run(argc, argv);
}
