#include "runs/DistributedRun.h"

#include "training/Trainer.h"
#include "util/TorchThreads.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

namespace studio {

std::string worldFingerprint(const TrainConfig& config, const DatasetInfo& data)
{
    auto json = configToJson(config);
    json.remove("threads");
    const auto text = QJsonDocument(json).toJson(QJsonDocument::Compact) + '\n' +
                      QByteArray::fromStdString(data.fingerprint + ' ' + data.name);
    return QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().toStdString();
}

std::string toPayload(const RunBrief& brief)
{
    const QJsonObject o{
        {"config", configToJson(brief.config)}, {"data", toJson(brief.data)}, {"resumes", brief.resumes}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

RunBrief briefFromPayload(const std::string& payload)
{
    const auto o = QJsonDocument::fromJson(QByteArray::fromStdString(payload)).object();
    RunBrief brief;
    brief.config = configFromJson(o.value("config").toObject());
    brief.data = datasetInfoFromJson(o.value("data").toObject());
    brief.resumes = o.value("resumes").toBool();
    return brief;
}

QJsonObject worldRecord(const World& world)
{
    QJsonArray hosts;
    for (const auto& h : world.hosts())
        hosts.append(QString::fromStdString(h));
    return {{"world_size", world.size()}, {"hosts", hosts}};
}

WorkerResult runWorker(const WorldSpec& spec, const TrainConfig* ownConfig, const Dataset* ownData,
                       const DataSearch& search, int threads, const std::function<void(Trainer*)>& running)
{
    std::string payload;
    const auto fingerprint = ownConfig && ownData ? worldFingerprint(*ownConfig, *ownData) : std::string();
    const auto world = World::join(spec, fingerprint, payload);
    auto brief = briefFromPayload(payload);
    if (threads > 0 || ownConfig) // the one field hosts may choose for themselves
        brief.config.threads = threads > 0 ? threads : ownConfig->threads;
    std::shared_ptr<const Dataset> data;
    if (ownData && sameData(*ownData, brief.data))
        data = std::make_shared<const Dataset>(*ownData);
    else
        data = findDataset(brief.data, search);
    configureTorchThread(brief.config.threads);
    QTemporaryDir scratch; // a worker writes nothing; its trainer still wants a folder
    Trainer trainer(brief.config, *data, scratch.path());
    trainer.joinWorld(world.get());
    if (brief.resumes)
        trainer.resumeFrom({});
    if (running)
        running(&trainer);
    WorkerResult result{trainer.run(), world->rank()};
    if (running)
        running(nullptr);
    return result;
}

LocalRanks::LocalRanks(QString program, QStringList arguments)
    : m_program(std::move(program)), m_arguments(std::move(arguments))
{
}

LocalRanks::~LocalRanks()
{
    for (auto& p : m_processes)
        if (p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(3000);
        }
}

void LocalRanks::start(int worldSize, int port)
{
    for (int rank = 1; rank < worldSize; ++rank) {
        auto p = std::make_unique<QProcess>();
        p->setProcessChannelMode(QProcess::ForwardedChannels);
        p->start(m_program,
                 m_arguments + QStringList{"--world-size", QString::number(worldSize), "--rank", QString::number(rank),
                                           "--master", "127.0.0.1:" + QString::number(port)});
        p->waitForStarted(10000);
        m_processes.push_back(std::move(p));
    }
}

std::string LocalRanks::failure()
{
    for (std::size_t i = 0; i < m_processes.size(); ++i) {
        auto& p = *m_processes[i];
        const auto rank = std::to_string(i + 1);
        if (p.error() == QProcess::FailedToStart)
            return "Rank " + rank + " could not start " + m_program.toStdString() + " (" +
                   p.errorString().toStdString() + ").";
        if (p.state() == QProcess::NotRunning || p.waitForFinished(0))
            return "Rank " + rank + " ended (exit code " + std::to_string(p.exitCode()) + ") before the run began.";
    }
    return {};
}

std::vector<int> LocalRanks::wait(int timeoutMs)
{
    std::vector<int> codes;
    for (auto& p : m_processes) {
        if (!p->waitForFinished(timeoutMs) && p->state() != QProcess::NotRunning) {
            p->kill();
            p->waitForFinished(3000);
        }
        codes.push_back(p->exitStatus() == QProcess::NormalExit ? p->exitCode() : -1);
    }
    return codes;
}

LocalWorld startLocalWorld(const QString& cli, int processes, const RunBrief& brief, std::chrono::milliseconds timeout,
                           const std::function<bool()>& stopped)
{
    LocalWorld local;
    local.ranks = std::make_unique<LocalRanks>(
        cli, QStringList{"worker", "--threads", QString::number(brief.config.threads), "--timeout",
                         QString::number(std::max<long long>(1, timeout.count() / 1000)), "--data",
                         QString::fromStdString(brief.data.folder)});
    WorldSpec spec;
    spec.size = processes;
    spec.timeout = timeout;
    std::string payload = toPayload(brief);
    local.world = World::join(
        spec, worldFingerprint(brief.config, brief.data), payload,
        [&](int port) { local.ranks->start(processes, port); },
        [&] {
            if (stopped && stopped())
                return std::string("Stopped before the run began.");
            return local.ranks->failure();
        });
    return local;
}

} // namespace studio
