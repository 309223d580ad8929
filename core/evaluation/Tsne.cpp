#include "evaluation/Tsne.h"

#include "evaluation/Pca.h"
#include "util/StudioError.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>
#include <vector>

namespace studio {
namespace {

/// Calls `work(begin, end)` on consecutive shares of [0, n) on torch's intra-op thread count.
/// (at::parallel_for runs serially here: its OpenMP body is compiled into the caller, which is
/// built without -fopenmp.) The work touches no torch ops, so the helper threads need no set-up.
template <class Work> void inParallel(std::int64_t n, const Work& work)
{
    const auto threads = std::int64_t(std::max(1, at::get_num_threads()));
    if (threads == 1 || n < 256) {
        work(std::int64_t{0}, n);
        return;
    }
    const auto share = (n + threads - 1) / threads;
    std::vector<std::thread> helpers;
    for (std::int64_t t = 1; t < threads; ++t)
        helpers.emplace_back([&work, n, share, t] { work(std::min(n, t * share), std::min(n, (t + 1) * share)); });
    work(std::int64_t{0}, std::min(n, share));
    for (auto& helper : helpers)
        helper.join();
}

/// Symmetric affinities P (summing to 1) in compressed rows.
struct Affinities {
    std::vector<std::int64_t> rowStart;
    std::vector<std::int64_t> column;
    std::vector<double> value;
};

/// Each row's k nearest other rows: squared distances and indices, N×k each.
std::pair<torch::Tensor, torch::Tensor> nearestNeighbours(const torch::Tensor& x, std::int64_t k)
{
    const auto n = x.size(0);
    const auto norms = x.pow(2).sum(1);
    std::vector<torch::Tensor> distances, indices;
    for (std::int64_t start = 0; start < n; start += 1024) {
        const auto end = std::min(n, start + 1024);
        auto d = (norms.slice(0, start, end).unsqueeze(1) + norms.unsqueeze(0) - 2 * x.slice(0, start, end).mm(x.t()))
                     .clamp_min(0);
        const auto self = torch::arange(start, end);
        d.index_put_({torch::arange(end - start), self}, std::numeric_limits<float>::infinity());
        auto [values, where] = d.topk(k, 1, false, true);
        distances.push_back(values);
        indices.push_back(where);
    }
    return {torch::cat(distances).to(torch::kDouble).contiguous(), torch::cat(indices).contiguous()};
}

/// p_{j|i} for every row's neighbours at the bandwidth whose perplexity is `perplexity`, then
/// symmetrised: p_ij = (p_{j|i} + p_{i|j}) / 2N.
Affinities affinities(const torch::Tensor& x, double perplexity)
{
    const auto n = x.size(0);
    const auto k = std::min<std::int64_t>(n - 1, std::int64_t(3 * perplexity));
    const auto [distances, indices] = nearestNeighbours(x, k);
    const double* d = distances.data_ptr<double>();
    const std::int64_t* idx = indices.data_ptr<std::int64_t>();
    std::vector<double> conditional(std::size_t(n * k));
    const double target = std::log(std::min(perplexity, double(k)));
    inParallel(n, [&](std::int64_t begin, std::int64_t end) {
        for (std::int64_t i = begin; i < end; ++i) {
            const double* di = d + i * k;
            double* p = conditional.data() + i * k;
            double beta = 1, low = 0, high = std::numeric_limits<double>::infinity();
            for (int step = 0; step < 200; ++step) {
                double sum = 0, weighted = 0;
                for (std::int64_t j = 0; j < k; ++j) {
                    p[j] = std::exp(-beta * (di[j] - di[0])); // relative to the nearest: no underflow
                    sum += p[j];
                    weighted += (di[j] - di[0]) * p[j];
                }
                const double entropy = std::log(sum) + beta * weighted / sum;
                for (std::int64_t j = 0; j < k; ++j)
                    p[j] /= sum;
                if (std::abs(entropy - target) < 1e-5)
                    break;
                if (entropy > target) { // too flat: narrow the kernel
                    low = beta;
                    beta = std::isinf(high) ? beta * 2 : (beta + high) / 2;
                } else {
                    high = beta;
                    beta = (beta + low) / 2;
                }
            }
        }
    });
    // Both directions of every neighbour pair, merged per row.
    std::vector<std::vector<std::pair<std::int64_t, double>>> rows(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i)
        for (std::int64_t j = 0; j < k; ++j) {
            const auto other = idx[i * k + j];
            const double p = conditional[std::size_t(i * k + j)] / (2.0 * double(n));
            rows[std::size_t(i)].emplace_back(other, p);
            rows[std::size_t(other)].emplace_back(i, p);
        }
    Affinities a;
    a.rowStart.push_back(0);
    for (auto& row : rows) {
        std::sort(row.begin(), row.end());
        for (std::size_t e = 0; e < row.size(); ++e) {
            if (e > 0 && row[e].first == row[e - 1].first)
                a.value.back() += row[e].second;
            else {
                a.column.push_back(row[e].first);
                a.value.push_back(row[e].second);
            }
        }
        a.rowStart.push_back(std::int64_t(a.column.size()));
    }
    return a;
}

/// A quadtree over the layout's points for the Barnes-Hut repulsion: each cell keeps its centre
/// of mass and point count.
class QuadTree {
public:
    QuadTree(const double* y, std::int64_t n) : m_y(y)
    {
        double minX = y[0], maxX = y[0], minY = y[1], maxY = y[1];
        for (std::int64_t i = 1; i < n; ++i) {
            minX = std::min(minX, y[2 * i]), maxX = std::max(maxX, y[2 * i]);
            minY = std::min(minY, y[2 * i + 1]), maxY = std::max(maxY, y[2 * i + 1]);
        }
        const double half = std::max(maxX - minX, maxY - minY) / 2 + 1e-5;
        m_nodes.reserve(std::size_t(4 * n));
        m_nodes.push_back({(minX + maxX) / 2, (minY + maxY) / 2, half});
        for (std::int64_t i = 0; i < n; ++i)
            insert(0, i, 0);
    }

    /// Σ_j q_ij (unnormalised, the point itself left out) and Σ_j q_ij² (y_i − y_j) over the cells
    /// that look small enough from y_i.
    void repulsion(std::int64_t i, double theta2, double& z, double& fx, double& fy) const
    {
        const double x = m_y[2 * i], y = m_y[2 * i + 1];
        std::int32_t stack[256];
        int top = 0;
        stack[top++] = 0;
        while (top > 0) {
            const Node& node = m_nodes[std::size_t(stack[--top])];
            if (node.count == 0)
                continue;
            const double dx = x - node.massX, dy = y - node.massY, d2 = dx * dx + dy * dy;
            const bool leaf = node.firstChild < 0;
            if (leaf || 4 * node.half * node.half < theta2 * d2) {
                // a leaf at the point's own position holds the point itself (and any exact duplicates)
                const double count = leaf && d2 == 0 ? node.count - 1 : node.count;
                const double q = 1.0 / (1.0 + d2);
                z += count * q;
                fx += count * q * q * dx;
                fy += count * q * q * dy;
            } else {
                for (int c = 0; c < 4; ++c)
                    stack[top++] = node.firstChild + c;
            }
        }
    }

private:
    struct Node {
        double centreX, centreY, half;
        double massX = 0, massY = 0;
        std::int32_t count = 0;
        std::int32_t firstChild = -1;
        std::int64_t point = -1; ///< a leaf's (first) point
    };

    int quadrant(const Node& node, std::int64_t i) const
    {
        return (m_y[2 * i] > node.centreX ? 1 : 0) + (m_y[2 * i + 1] > node.centreY ? 2 : 0);
    }

    void insert(std::int32_t at, std::int64_t i, int depth)
    {
        {
            Node& node = m_nodes[std::size_t(at)];
            node.massX = (node.massX * node.count + m_y[2 * i]) / (node.count + 1);
            node.massY = (node.massY * node.count + m_y[2 * i + 1]) / (node.count + 1);
            ++node.count;
            if (node.firstChild < 0) {
                if (node.point < 0) {
                    node.point = i;
                    return;
                }
                const bool duplicate = m_y[2 * node.point] == m_y[2 * i] && m_y[2 * node.point + 1] == m_y[2 * i + 1];
                if (duplicate || depth >= 48)
                    return; // kept together in this leaf
            }
        }
        if (m_nodes[std::size_t(at)].firstChild < 0) { // split: the leaf's point moves down a level
            const auto first = std::int32_t(m_nodes.size());
            const Node parent = m_nodes[std::size_t(at)];
            const double h = parent.half / 2;
            for (int c = 0; c < 4; ++c)
                m_nodes.push_back({parent.centreX + (c & 1 ? h : -h), parent.centreY + (c & 2 ? h : -h), h});
            m_nodes[std::size_t(at)].firstChild = first;
            const auto moved = parent.point;
            m_nodes[std::size_t(at)].point = -1;
            insert(first + quadrant(parent, moved), moved, depth + 1);
        }
        const Node& node = m_nodes[std::size_t(at)];
        insert(node.firstChild + quadrant(node, i), i, depth + 1);
    }

    const double* m_y;
    std::vector<Node> m_nodes;
};

} // namespace

torch::Tensor tsne(const torch::Tensor& input, const TsneOptions& options, const TsneProgress& progress)
{
    if (input.dim() != 2 || input.size(0) < 4)
        throw StudioError("t-SNE needs at least four feature vectors.");
    if (!(options.perplexity >= 1) || options.iterations < 1 || !(options.theta >= 0))
        throw StudioError("t-SNE needs a perplexity of at least 1, one iteration or more and theta ≥ 0.");
    torch::NoGradGuard noGrad;
    auto x = input.to(torch::kFloat);
    if (x.size(1) > 50)
        x = fitPca(x, 50).project(x);
    x = (x - x.mean(0)).contiguous();
    const auto n = x.size(0);
    const auto p = affinities(x, options.perplexity);

    // A small random start (σ = 1e-4), as the reference implementation.
    const auto generator = at::detail::createCPUGenerator(options.seed);
    auto layout = (torch::randn({n, 2}, generator, torch::kDouble) * 1e-4).contiguous();
    double* y = layout.data_ptr<double>();
    const auto size = std::size_t(2 * n);
    std::vector<double> update(size, 0.0), gains(size, 1.0), attraction(size), repulsion(size),
        z(static_cast<std::size_t>(n));
    const double rate =
        options.learningRate > 0 ? options.learningRate : std::max(double(n) / options.exaggeration / 4, 50.0);
    const double theta2 = options.theta * options.theta;
    for (int step = 0; step < options.iterations; ++step) {
        if (progress && step % 10 == 0 && !progress(step, options.iterations))
            return {};
        const bool early = step < options.exaggerationIterations;
        const double exaggeration = early ? options.exaggeration : 1.0, momentum = early ? 0.5 : 0.8;
        const QuadTree tree(y, n);
        inParallel(n, [&](std::int64_t begin, std::int64_t end) {
            for (std::int64_t i = begin; i < end; ++i) {
                double ax = 0, ay = 0;
                for (auto e = p.rowStart[std::size_t(i)]; e < p.rowStart[std::size_t(i) + 1]; ++e) {
                    const auto j = p.column[std::size_t(e)];
                    const double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                    const double w = p.value[std::size_t(e)] / (1.0 + dx * dx + dy * dy);
                    ax += w * dx;
                    ay += w * dy;
                }
                attraction[std::size_t(2 * i)] = ax;
                attraction[std::size_t(2 * i + 1)] = ay;
                double zi = 0, rx = 0, ry = 0;
                tree.repulsion(i, theta2, zi, rx, ry);
                z[std::size_t(i)] = zi;
                repulsion[std::size_t(2 * i)] = rx;
                repulsion[std::size_t(2 * i + 1)] = ry;
            }
        });
        double total = 0;
        for (double zi : z)
            total += zi;
        // dC/dy_i = 4 (Σ_j p_ij q_ij Z (y_i − y_j) − Σ_j q_ij² Z (y_i − y_j) / Z), q unnormalised.
        for (std::size_t c = 0; c < size; ++c) {
            const double g = 4.0 * (exaggeration * attraction[c] - repulsion[c] / total);
            gains[c] = (g > 0) != (update[c] > 0) ? gains[c] + 0.2 : std::max(gains[c] * 0.8, 0.01);
            update[c] = momentum * update[c] - rate * gains[c] * g;
            y[c] += update[c];
        }
        double meanX = 0, meanY = 0;
        for (std::int64_t i = 0; i < n; ++i)
            meanX += y[2 * i], meanY += y[2 * i + 1];
        meanX /= double(n), meanY /= double(n);
        for (std::int64_t i = 0; i < n; ++i)
            y[2 * i] -= meanX, y[2 * i + 1] -= meanY;
    }
    if (progress)
        progress(options.iterations, options.iterations);
    return layout.to(torch::kFloat);
}

double neighbourhoodPurity(const torch::Tensor& layout, const torch::Tensor& labels, int k)
{
    const auto n = layout.size(0);
    if (k < 1 || n <= k || labels.size(0) != n)
        throw StudioError("Neighbourhood purity needs more points than neighbours and one label a point.");
    const auto [distances, indices] = nearestNeighbours(layout.to(torch::kFloat).contiguous(), k);
    const auto own = labels.to(torch::kLong).unsqueeze(1);
    return labels.to(torch::kLong).index({indices}).eq(own).to(torch::kDouble).mean().item<double>();
}

} // namespace studio
