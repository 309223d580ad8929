#pragma once
#include "data/Augmentation.h"
#include "data/Dataset.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace studio {

/// One prepared mini-batch: standardised N×1×28×28 float images and their labels.
struct Batch {
    torch::Tensor images;
    torch::Tensor labels;
    std::int64_t index = 0;      ///< batch number within the epoch
    std::int64_t globalSize = 0; ///< images in the whole batch, all shards together
};

/// How one epoch's batches are drawn.
struct BatchPlan {
    std::int64_t batchSize = 128;
    bool shuffle = true;
    std::uint64_t seed = 42;
    std::int64_t epoch = 0;      ///< shuffling and augmentation derive from (seed, epoch, batch)
    std::int64_t firstBatch = 0; ///< start here (resume mid-epoch)
    AugmentConfig augment;       ///< applied when augment.enabled
    double mean = 0.1307;
    double std = 0.3081;
    std::size_t prefetch = 3; ///< batches prepared ahead
    /// Data-parallel training: each batch of `batchSize` (the global batch) is cut into `shards`
    /// contiguous parts as equal as can be, and this stream yields part `shard` (its images
    /// augmented from a seed that includes the shard). One shard is the whole batch.
    int shard = 0;
    int shards = 1;
};

/// Produces one epoch's batches on a producer thread so that shuffling, augmentation and
/// normalisation overlap the training step. The batch sequence depends only on the plan.
class BatchStream {
public:
    BatchStream(LabeledImages data, BatchPlan plan);
    ~BatchStream();
    BatchStream(const BatchStream&) = delete;
    BatchStream& operator=(const BatchStream&) = delete;

    /// The next batch, or nullopt after the last. Rethrows a producer failure.
    std::optional<Batch> next();
    std::int64_t batchCount() const { return m_batchCount; }

    /// Batches an epoch of `samples` yields with `batchSize` (the last one may be partial).
    static std::int64_t batchesPerEpoch(std::int64_t samples, std::int64_t batchSize);
    /// Prepares batch `index` of the plan on the calling thread (what the producer runs).
    static Batch makeBatch(const LabeledImages& data, const torch::Tensor& order, const BatchPlan& plan,
                           std::int64_t index);

private:
    void produce();

    LabeledImages m_data;
    BatchPlan m_plan;
    torch::Tensor m_order;
    std::int64_t m_batchCount = 0;

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Batch> m_ready;
    bool m_done = false;
    bool m_cancel = false;
    std::exception_ptr m_error;
    std::thread m_producer;
};

} // namespace studio
