#include "support/TrainedRuns.h"

#include "runs/RunRecorder.h"
#include "runs/RunStore.h"

namespace studio::test {

std::int64_t trainRecordedRun(const QString& runs, const QString& dataFolder, int epochs, int stopAfterEpoch)
{
    const auto data = loadDataset(dataFolder.toStdString());
    TrainConfig c;
    c.model = "tiny-v1";
    c.numEpochs = epochs;
    c.batchSize = 32;
    c.threads = 1;
    RunStore store(runs);
    const auto id = store.createRun(c, data, 7720);
    Trainer trainer(c, data, store.runDir(id));
    RunRecorder recorder(store, id);
    StopAtEpoch stop;
    stop.trainer = &trainer;
    stop.epoch = stopAfterEpoch;
    trainer.addObserver(&recorder);
    trainer.addObserver(&stop);
    trainer.run();
    return id;
}

} // namespace studio::test
