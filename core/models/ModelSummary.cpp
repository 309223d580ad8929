#include "models/ModelSummary.h"

#include "models/ModelRegistry.h"
#include "models/Winograd.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/csrc/autograd/profiler_legacy.h>

#include <cstdio>
#include <map>
#include <set>

namespace studio {
namespace {

std::string shortTypeName(const std::string& full)
{
    auto s = full;
    if (auto pos = s.rfind("::"); pos != std::string::npos)
        s = s.substr(pos + 2);
    if (s.size() > 4 && s.compare(s.size() - 4, 4, "Impl") == 0)
        s.resize(s.size() - 4);
    return s;
}

std::string describe(const torch::nn::Module& m)
{
    const auto children = m.children();
    if (children.empty())
        return shortTypeName(m.name());
    std::string s;
    for (const auto& c : children)
        s += (s.empty() ? "" : "+") + shortTypeName(c->name());
    return s;
}

std::string withThousands(std::int64_t v)
{
    const auto digits = std::to_string(v);
    const std::size_t sign = v < 0 ? 1 : 0;
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > sign && (digits.size() - i) % 3 == 0)
            s += ',';
        s += digits[i];
    }
    return s;
}

/// The profiler event a tapped stage leaves behind it.
constexpr const char* kStageMark = "mnist_studio::stage";

/// Multiply-adds of a profiled operation (the profiler counts two operations for each).
std::int64_t multiplyAddsOf(torch::autograd::profiler::LegacyEvent& e) // flops() is not const
{
    static const std::set<std::string> products = {"aten::conv2d", "aten::addmm", "aten::mm", "aten::bmm"};
    return products.count(e.name()) ? std::int64_t(e.flops() / 2) : 0;
}

class Recorder : public LayerTap {
public:
    explicit Recorder(ClassifierImpl& model)
    {
        for (const auto& item : model.named_children())
            m_children[item.key()] = item.value();
    }
    void onLayer(const std::string& name, const torch::Tensor& out) override
    {
        RECORD_FUNCTION(kStageMark, {}); // the profiled operations before this mark are the stage's
        SummaryRow row;
        row.name = name;
        row.shape = out.sizes().vec();
        row.activationBytes = out.numel() * 4;
        if (auto it = m_children.find(name); it != m_children.end()) {
            row.type = describe(*it->second);
            row.parameters = countParameters(*it->second);
        } else {
            row.type = name == "flatten" ? "Flatten" : "Op";
        }
        rows.push_back(std::move(row));
    }
    std::vector<SummaryRow> rows;

private:
    std::map<std::string, std::shared_ptr<torch::nn::Module>> m_children;
};

} // namespace

ModelSummary summarizeModel(ClassifierImpl& model)
{
    const bool wasTraining = model.is_training();
    model.eval();
    Recorder recorder(model);
    namespace profiler = torch::autograd::profiler;
    profiler::thread_event_lists events;
    {
        torch::NoGradGuard noGrad;
        const winograd::Suspend direct; // the model's arithmetic: the direct convolutions' multiply-adds
        using torch::profiler::impl::ProfilerConfig;
        using torch::profiler::impl::ProfilerState;
        // On one thread every convolution is an aten::conv2d, whose multiply-adds the profiler counts
        // (on more, a one-image batch goes to at::mkldnn_convolution directly: layers::Conv2d).
        const int threads = at::get_num_threads();
        at::set_num_threads(1);
        profiler::enableProfilerLegacy(ProfilerConfig(ProfilerState::CPU, /*report_input_shapes=*/true,
                                                      /*profile_memory=*/false, /*with_stack=*/false,
                                                      /*with_flops=*/true));
        try {
            model.forwardTapped(torch::zeros({1, 1, 28, 28}), &recorder);
        } catch (...) {
            profiler::disableProfilerLegacy();
            at::set_num_threads(threads);
            model.train(wasTraining);
            throw;
        }
        events = profiler::disableProfilerLegacy();
        at::set_num_threads(threads);
    }
    model.train(wasTraining);
    ModelSummary s;
    s.rows = std::move(recorder.rows);
    std::size_t stage = 0;
    std::int64_t firstLayer = -1;
    for (auto& list : events)
        for (auto& e : list) {
            if (e.kindStr() != "push")
                continue;
            if (e.name() == std::string(kStageMark)) {
                ++stage;
            } else if (const auto macs = multiplyAddsOf(e); macs > 0 && stage < s.rows.size()) {
                s.rows[stage].multiplyAdds += macs;
                s.multiplyAdds += macs;
                if (firstLayer < 0)
                    firstLayer = macs;
            }
        }
    s.trainingMultiplyAdds = 3 * s.multiplyAdds - std::max<std::int64_t>(firstLayer, 0);
    for (const auto& p : model.parameters()) {
        s.totalParameters += p.numel();
        if (p.requires_grad())
            s.trainableParameters += p.numel();
    }
    for (const auto& r : s.rows)
        s.activationBytes += r.activationBytes;
    s.parameterBytes = s.totalParameters * 4;
    return s;
}

std::string ModelSummary::toText() const
{
    std::string out;
    char line[256];
    std::snprintf(line, sizeof line, "%-12s %-40s %-18s %12s %12s %14s\n", "Layer", "Type", "Output shape", "Params",
                  "Act. KiB", "Mult-adds");
    out += line;
    out += std::string(113, '-') + "\n";
    for (const auto& r : rows) {
        std::string shape = "[";
        for (std::size_t i = 0; i < r.shape.size(); ++i)
            shape += (i ? ", " : "") + std::to_string(r.shape[i]);
        shape += "]";
        std::snprintf(line, sizeof line, "%-12s %-40s %-18s %12s %12.1f %14s\n", r.name.c_str(),
                      r.type.substr(0, 40).c_str(), shape.c_str(), withThousands(r.parameters).c_str(),
                      static_cast<double>(r.activationBytes) / 1024.0, withThousands(r.multiplyAdds).c_str());
        out += line;
    }
    out += std::string(113, '-') + "\n";
    const double mb = 1024.0 * 1024.0;
    std::snprintf(line, sizeof line,
                  "Trainable params: %s\nInput size (MB): %.4f\nForward pass size (MB): %.4f\nParams size (MB): %.4f\n"
                  "Estimated total size (MB): %.4f\n",
                  withThousands(trainableParameters).c_str(), 784 * 4 / mb, static_cast<double>(activationBytes) / mb,
                  static_cast<double>(parameterBytes) / mb,
                  (784 * 4 + static_cast<double>(activationBytes) + static_cast<double>(parameterBytes)) / mb);
    out += line;
    out += "Multiply-adds per image: " + withThousands(multiplyAdds) + " forward, " +
           withThousands(trainingMultiplyAdds) + " a training step\n";
    out += "total params: " + std::to_string(totalParameters) + "\n";
    return out;
}

} // namespace studio
