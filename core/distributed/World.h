#pragma once
#include "util/StudioError.h"

#include <torch/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace c10d {
class Store;
class ProcessGroupGloo;
} // namespace c10d

namespace studio {

/// Where one process stands among the processes training one run.
struct WorldSpec {
    int size = 1; ///< processes in the run (world size)
    int rank = 0; ///< this process: 0 is the master (hosts the rendezvous, writes the run)
    std::string masterHost = "127.0.0.1";
    int masterPort = 0;                       ///< rank 0: 0 picks a free port (see World::join's onListening)
    std::chrono::milliseconds timeout{60000}; ///< rendezvous and every collective
};

/// A collective failed: a rank is gone, a host unreachable or the timeout passed. Says which ranks.
class WorldLost : public StudioError {
public:
    using StudioError::StudioError;
};

/// "HOST:PORT" → host and port; throws StudioError naming the text when it is not that.
void parseMaster(const std::string& text, WorldSpec& spec);

/// The processes of one data-parallel run, joined with LibTorch's c10d: a TCPStore hosted by
/// rank 0 for the rendezvous and Gloo for the collectives. Every rank calls the collectives in
/// the same order; a failed one (a rank gone, a host unreachable, the timeout) throws WorldLost
/// naming the ranks that no longer answer.
class World {
public:
    /// Rendezvous. Every rank brings `fingerprint` (its config and data; "" to take rank 0's); rank
    /// 0 waits for all ranks within the timeout and compares: a rank that never arrived or brought
    /// another fingerprint is an error on every rank, named. Rank 0 calls `onListening(port)` once its store listens
    /// (to start local ranks on a port it picked). `payload` travels from rank 0 to every rank
    /// (what workers that bring no config of their own train). While rank 0 waits, a non-empty
    /// `abandon()` (a local rank that died, a stop asked for) ends the wait with that message.
    static std::unique_ptr<World> join(const WorldSpec& spec, const std::string& fingerprint, std::string& payload,
                                       const std::function<void(int port)>& onListening = {},
                                       const std::function<std::string()>& abandon = {});
    ~World();
    World(const World&) = delete;
    World& operator=(const World&) = delete;

    int rank() const { return m_spec.rank; }
    int size() const { return m_spec.size; }
    bool isMaster() const { return m_spec.rank == 0; }
    int port() const { return m_spec.masterPort; }
    /// "host (address)" of each rank, by rank: the address its peers reach it at.
    const std::vector<std::string>& hosts() const { return m_hosts; }

    /// Rank 0's values into every rank's tensors (one flattened message).
    void broadcast(const std::vector<torch::Tensor>& tensors);
    /// Element-wise sums over the ranks into every rank's tensors (one flattened all-reduce).
    void allReduceSum(const std::vector<torch::Tensor>& tensors);
    /// Rank 0's bytes to every rank.
    std::string broadcastBytes(const std::string& bytes);

    /// Bytes moved by this rank's all-reduces so far, and their time (for bench_ddp).
    std::int64_t reducedBytes() const { return m_reducedBytes; }
    double reduceSeconds() const { return m_reduceSeconds; }

private:
    World(const WorldSpec& spec, std::vector<std::string> hosts, c10::intrusive_ptr<c10d::Store> store,
          c10::intrusive_ptr<c10d::ProcessGroupGloo> group);
    template <class Op> void collective(const char* what, Op&& op);
    /// After a failed collective: which ranks still answer (a roll call through the store).
    std::string whoIsGone();

    WorldSpec m_spec;
    std::vector<std::string> m_hosts;
    c10::intrusive_ptr<c10d::Store> m_store;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> m_group;
    std::int64_t m_reducedBytes = 0;
    double m_reduceSeconds = 0;
};

} // namespace studio
