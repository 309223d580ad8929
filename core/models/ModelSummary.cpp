#include "models/ModelSummary.h"

#include "models/ModelRegistry.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <cstdio>
#include <map>

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
    auto s = std::to_string(v);
    for (int i = static_cast<int>(s.size()) - 3; i > (v < 0 ? 1 : 0); i -= 3)
        s.insert(static_cast<std::size_t>(i), ",");
    return s;
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
    {
        torch::NoGradGuard noGrad;
        model.forwardTapped(torch::zeros({1, 1, 28, 28}), &recorder);
    }
    model.train(wasTraining);
    ModelSummary s;
    s.rows = std::move(recorder.rows);
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
    std::snprintf(line, sizeof line, "%-12s %-40s %-18s %12s %12s\n", "Layer", "Type", "Output shape", "Params",
                  "Act. KiB");
    out += line;
    out += std::string(98, '-') + "\n";
    for (const auto& r : rows) {
        std::string shape = "[";
        for (std::size_t i = 0; i < r.shape.size(); ++i)
            shape += (i ? ", " : "") + std::to_string(r.shape[i]);
        shape += "]";
        std::snprintf(line, sizeof line, "%-12s %-40s %-18s %12s %12.1f\n", r.name.c_str(),
                      r.type.substr(0, 40).c_str(), shape.c_str(), withThousands(r.parameters).c_str(),
                      static_cast<double>(r.activationBytes) / 1024.0);
        out += line;
    }
    out += std::string(98, '-') + "\n";
    const double mb = 1024.0 * 1024.0;
    std::snprintf(line, sizeof line,
                  "Trainable params: %s\nInput size (MB): %.4f\nForward pass size (MB): %.4f\nParams size (MB): %.4f\n"
                  "Estimated total size (MB): %.4f\n",
                  withThousands(trainableParameters).c_str(), 784 * 4 / mb, static_cast<double>(activationBytes) / mb,
                  static_cast<double>(parameterBytes) / mb,
                  (784 * 4 + static_cast<double>(activationBytes) + static_cast<double>(parameterBytes)) / mb);
    out += line;
    out += "total params: " + std::to_string(totalParameters) + "\n";
    return out;
}

} // namespace studio
