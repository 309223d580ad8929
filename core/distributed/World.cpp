#include "distributed/World.h"

#include "util/StudioError.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <map>
#include <thread>

namespace studio {
namespace {

using Clock = std::chrono::steady_clock;

std::string firstLine(const std::string& s)
{
    return s.substr(0, std::min(s.find('\n'), std::size_t(200)));
}

std::string seconds(std::chrono::milliseconds t)
{
    return std::to_string(t.count() / 1000) + " s";
}

std::string bytesToString(const std::vector<std::uint8_t>& v)
{
    return {v.begin(), v.end()};
}

std::vector<std::uint8_t> stringToBytes(const std::string& s)
{
    return {s.begin(), s.end()};
}

std::string hostName()
{
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    return name;
}

/// The address of this machine on the route to `host` (what peers reach this rank at): a UDP
/// "connection" sends nothing but makes the kernel pick the interface.
std::string localAddressTowards(const std::string& host, int port)
{
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
        throw StudioError("Cannot resolve the master host \"" + host + "\".");
    std::string address = "127.0.0.1";
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd >= 0 && connect(fd, found->ai_addr, found->ai_addrlen) == 0) {
        sockaddr_in local{};
        socklen_t length = sizeof local;
        char text[INET_ADDRSTRLEN] = {};
        if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) == 0 &&
            inet_ntop(AF_INET, &local.sin_addr, text, sizeof text))
            address = text;
    }
    if (fd >= 0)
        close(fd);
    freeaddrinfo(found);
    return address;
}

std::string rankList(const std::vector<int>& ranks)
{
    std::string s;
    for (int r : ranks)
        s += (s.empty() ? "" : ", ") + std::to_string(r);
    return (ranks.size() == 1 ? "rank " : "ranks ") + s;
}

/// Tensors grouped by dtype, each group one flat buffer: one message per dtype.
std::map<c10::ScalarType, std::vector<torch::Tensor>> byType(const std::vector<torch::Tensor>& tensors)
{
    std::map<c10::ScalarType, std::vector<torch::Tensor>> groups;
    for (const auto& t : tensors)
        if (t.defined() && t.numel() > 0)
            groups[t.scalar_type()].push_back(t);
    return groups;
}

torch::Tensor flatten(const std::vector<torch::Tensor>& tensors)
{
    std::vector<torch::Tensor> flat;
    flat.reserve(tensors.size());
    for (const auto& t : tensors)
        flat.push_back(t.detach().reshape(-1));
    return torch::cat(flat);
}

void unflatten(const torch::Tensor& flat, const std::vector<torch::Tensor>& tensors)
{
    torch::NoGradGuard noGrad;
    std::int64_t offset = 0;
    for (const auto& t : tensors) {
        const auto n = t.numel();
        t.copy_(flat.slice(0, offset, offset + n).view(t.sizes()));
        offset += n;
    }
}

} // namespace

void parseMaster(const std::string& text, WorldSpec& spec)
{
    const auto colon = text.rfind(':');
    bool ok = colon != std::string::npos && colon > 0 && colon + 1 < text.size();
    int port = 0;
    if (ok) {
        try {
            std::size_t used = 0;
            port = std::stoi(text.substr(colon + 1), &used);
            ok = used == text.size() - colon - 1 && port > 0 && port < 65536;
        } catch (const std::exception&) {
            ok = false;
        }
    }
    if (!ok)
        throw StudioError("--master \"" + text + "\" is not HOST:PORT (for example 10.0.0.1:29500).");
    spec.masterHost = text.substr(0, colon);
    spec.masterPort = port;
}

std::unique_ptr<World> World::join(const WorldSpec& given, const std::string& fingerprint, std::string& payload,
                                   const std::function<void(int port)>& onListening,
                                   const std::function<std::string()>& abandon)
{
    WorldSpec spec = given;
    if (spec.size < 1 || spec.rank < 0 || spec.rank >= spec.size)
        throw StudioError("Rank " + std::to_string(spec.rank) + " is not in a world of " + std::to_string(spec.size) +
                          " processes (ranks 0 to " + std::to_string(spec.size - 1) + ").");
    const std::string master = spec.masterHost + ":" + std::to_string(spec.masterPort);
    // Gloo writes to peers' sockets without MSG_NOSIGNAL: a rank gone must be an error, not SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(spec.masterPort);
    options.isServer = spec.rank == 0;
    options.waitWorkers = false;
    options.timeout = spec.timeout;
    c10::intrusive_ptr<c10d::TCPStore> store;
    try {
        store = c10::make_intrusive<c10d::TCPStore>(spec.masterHost, options);
    } catch (const std::exception& e) {
        if (spec.rank == 0)
            throw StudioError("Rank 0 cannot listen on " + master + " (" + firstLine(e.what()) +
                              "); is the port in use? Choose another with --master.");
        throw StudioError("Rank " + std::to_string(spec.rank) + " could not reach the master at " + master +
                          " within " + seconds(spec.timeout) + " (" + firstLine(e.what()) + ").");
    }
    if (spec.rank == 0) {
        spec.masterPort = store->getPort();
        if (onListening)
            onListening(spec.masterPort);
    }

    const std::string me = std::to_string(spec.rank);
    const auto address = localAddressTowards(spec.masterHost, spec.masterPort);
    store->set("join/" + me, stringToBytes(hostName() + " (" + address + ")\n" + fingerprint));
    std::vector<std::string> hosts(std::size_t(spec.size));
    if (spec.rank == 0) {
        // Roll call: every rank within the timeout, with the same fingerprint.
        const auto deadline = Clock::now() + spec.timeout;
        std::vector<int> missing;
        do {
            missing.clear();
            for (int r = 1; r < spec.size; ++r)
                if (!store->check({"join/" + std::to_string(r)}))
                    missing.push_back(r);
            if (!missing.empty())
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            if (const auto why = abandon ? abandon() : std::string(); !why.empty())
                throw StudioError(why);
        } while (!missing.empty() && Clock::now() < deadline);
        QJsonObject verdict;
        std::vector<int> different;
        QJsonArray hostList;
        for (int r = 0; r < spec.size && missing.empty(); ++r) {
            const auto text = bytesToString(store->get("join/" + std::to_string(r)));
            const auto newline = text.find('\n');
            hosts[std::size_t(r)] = text.substr(0, newline);
            hostList.append(QString::fromStdString(hosts[std::size_t(r)]));
            const auto theirs = text.substr(newline + 1);
            if (!theirs.empty() && theirs != fingerprint) // none: a worker that takes rank 0's
                different.push_back(r);
        }
        std::string error;
        if (!missing.empty())
            error = rankList(missing) + " of " + std::to_string(spec.size) + " never arrived at " + master +
                    " within " + seconds(spec.timeout) + ".";
        else if (!different.empty())
            error = rankList(different) + " brought another config or other data than rank 0 (compared at " +
                    "rendezvous): start every rank with the same --config and the same dataset.";
        verdict["error"] = QString::fromStdString(error);
        verdict["hosts"] = hostList;
        verdict["payload"] = QString::fromStdString(payload);
        store->set("verdict", stringToBytes(QJsonDocument(verdict).toJson(QJsonDocument::Compact).toStdString()));
        if (!error.empty()) { // the store lives in this process: let the ranks that came read why first
            const auto readBy = Clock::now() + std::min(spec.timeout, std::chrono::milliseconds(5000));
            for (int r = 1; r < spec.size; ++r)
                while (std::find(missing.begin(), missing.end(), r) == missing.end() &&
                       !store->check({"read/" + std::to_string(r)}) && Clock::now() < readBy)
                    std::this_thread::sleep_for(std::chrono::milliseconds(20));
            throw StudioError(error);
        }
    } else {
        QJsonObject verdict;
        try {
            store->wait({"verdict"}, spec.timeout);
            verdict = QJsonDocument::fromJson(QByteArray::fromStdString(bytesToString(store->get("verdict")))).object();
            store->set("read/" + me, stringToBytes("1"));
        } catch (const std::exception& e) {
            throw StudioError("Rank " + me + " joined " + master + " but rank 0 gave no answer within " +
                              seconds(spec.timeout) + " (" + firstLine(e.what()) + ").");
        }
        const auto error = verdict.value("error").toString().toStdString();
        if (!error.empty())
            throw StudioError(error);
        const auto list = verdict.value("hosts").toArray();
        for (int r = 0; r < spec.size && r < list.size(); ++r)
            hosts[std::size_t(r)] = list[r].toString().toStdString();
        payload = verdict.value("payload").toString().toStdString();
    }

    auto groupOptions = c10d::ProcessGroupGloo::Options::create(spec.timeout);
    groupOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname(address));
    groupOptions->threads = 1;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    try {
        group = c10::make_intrusive<c10d::ProcessGroupGloo>(c10::make_intrusive<c10d::PrefixStore>("gloo", store),
                                                            spec.rank, spec.size, groupOptions);
    } catch (const std::exception& e) {
        throw StudioError("Rank " + me + " could not connect to the other ranks (" + firstLine(e.what()) + ").");
    }
    return std::unique_ptr<World>(new World(spec, std::move(hosts), store, group));
}

World::World(const WorldSpec& spec, std::vector<std::string> hosts, c10::intrusive_ptr<c10d::Store> store,
             c10::intrusive_ptr<c10d::ProcessGroupGloo> group)
    : m_spec(spec), m_hosts(std::move(hosts)), m_store(std::move(store)), m_group(std::move(group))
{
}

World::~World() = default;

template <class Op> void World::collective(const char* what, Op&& op)
{
    try {
        op();
    } catch (const std::exception& e) {
        throw WorldLost("Rank " + std::to_string(rank()) + " lost the other processes during " + what + ": " +
                        whoIsGone() + " (" + firstLine(e.what()) + ")");
    }
}

std::string World::whoIsGone()
{
    const std::string master = m_spec.masterHost + ":" + std::to_string(m_spec.masterPort);
    try {
        m_store->set("alive/" + std::to_string(rank()), stringToBytes("1"));
        const auto deadline = Clock::now() + std::min(m_spec.timeout, std::chrono::milliseconds(1000));
        std::vector<int> gone;
        do {
            gone.clear();
            for (int r = 0; r < size(); ++r)
                if (!m_store->check({"alive/" + std::to_string(r)}))
                    gone.push_back(r);
            if (!gone.empty())
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
        } while (!gone.empty() && Clock::now() < deadline);
        if (gone.empty())
            return "every rank still answers the master";
        std::string hosts;
        for (int r : gone)
            hosts += (hosts.empty() ? "" : ", ") + m_hosts[std::size_t(r)];
        return rankList(gone) + " on " + hosts + " stopped answering";
    } catch (const std::exception&) {
        return "rank 0 (the master at " + master + ") is gone";
    }
}

void World::broadcast(const std::vector<torch::Tensor>& tensors)
{
    for (auto& [type, group] : byType(tensors)) {
        std::vector<torch::Tensor> flat{flatten(group)};
        collective("a broadcast", [&] { m_group->broadcast(flat)->wait(); });
        unflatten(flat[0], group);
    }
}

void World::allReduceSum(const std::vector<torch::Tensor>& tensors)
{
    const auto start = Clock::now();
    for (auto& [type, group] : byType(tensors)) {
        std::vector<torch::Tensor> flat{flatten(group)};
        collective("an all-reduce", [&] { m_group->allreduce(flat)->wait(); });
        unflatten(flat[0], group);
        m_reducedBytes += flat[0].numel() * std::int64_t(flat[0].element_size());
    }
    m_reduceSeconds += std::chrono::duration<double>(Clock::now() - start).count();
}

std::string World::broadcastBytes(const std::string& bytes)
{
    auto size = torch::tensor({std::int64_t(bytes.size())}, torch::kInt64);
    broadcast({size});
    auto data = torch::zeros({size.item<std::int64_t>()}, torch::kUInt8);
    if (isMaster() && !bytes.empty())
        std::memcpy(data.data_ptr(), bytes.data(), bytes.size());
    broadcast({data});
    return {static_cast<const char*>(data.data_ptr()), static_cast<std::size_t>(data.numel())};
}

} // namespace studio
