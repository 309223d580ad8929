// The run store opening a damaged runs.sqlite: its runs, epochs and batches read, or a StudioError.
#include "FuzzInput.h"

#include "runs/RunStore.h"
#include "util/StudioError.h"

#include <QCoreApplication>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    static QCoreApplication app(*argc, *argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QString folder = studio::fuzz::scratchFolder() + "/runs";
    QDir(folder).removeRecursively();
    QDir().mkpath(folder);
    QFile f(folder + "/runs.sqlite");
    if (!f.open(QIODevice::WriteOnly))
        return 0;
    f.write(reinterpret_cast<const char*>(data), qint64(size));
    f.close();
    try {
        studio::RunStore store(folder);
        for (const auto& run : store.runs()) {
            store.epochs(run.id);
            store.batches(run.id);
            store.recordedSteps(run.id);
            store.heldBy(run.id);
        }
    } catch (const studio::StudioError&) {
    }
    return 0;
}
