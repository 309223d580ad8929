#include "support/TrainedRuns.h"

#include "runs/RunRecorder.h"
#include "runs/RunStore.h"

#include <QTest>

namespace studio::test {

bool sameWeights(torch::nn::Module& a, torch::nn::Module& b)
{
    const auto pb = b.named_parameters();
    for (const auto& p : a.named_parameters())
        if (!pb.contains(p.key()) || !torch::equal(p.value(), pb[p.key()]))
            return false;
    const auto bb = b.named_buffers();
    for (const auto& x : a.named_buffers())
        if (!bb.contains(x.key()) || !torch::equal(x.value(), bb[x.key()]))
            return false;
    return true;
}

QString trainCheckpoint(const std::string& arch, const Dataset& data, const QString& folder, int epochs)
{
    TrainConfig c;
    c.model = arch;
    c.numEpochs = epochs;
    c.batchSize = 32;
    c.threads = 1;
    Trainer trainer(c, data, folder);
    if (trainer.run().reason != FinishReason::Completed) {
        QTest::qFail(("training " + arch + " did not complete").c_str(), __FILE__, __LINE__);
        return {};
    }
    return trainer.bestPath();
}

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
