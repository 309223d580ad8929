#include "data/Dataset.h"

#include "data/IdxReader.h"
#include "util/StudioError.h"

#include <QCryptographicHash>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace studio {
namespace {

/// The file for `stem` ("train-images", idx "3") in any of the usual spellings, or "".
std::string findIdxFile(const std::string& folder, const std::string& stem, const std::string& idx)
{
    for (const char* sep : {"-", "."})
        for (const char* ext : {"", ".gz"}) {
            const auto p = fs::path(folder) / (stem + sep + "idx" + idx + "-ubyte" + ext);
            if (fs::is_regular_file(p))
                return p.string();
        }
    return {};
}

std::string requireIdxFile(const std::string& folder, const std::string& stem, const std::string& idx)
{
    auto path = findIdxFile(folder, stem, idx);
    if (path.empty())
        throw StudioError("Dataset folder " + folder + " has no " + stem + "-idx" + idx + "-ubyte (raw or .gz).");
    return path;
}

LabeledImages loadPair(const std::string& folder, const std::string& prefix, int numClasses)
{
    const auto imagesPath = requireIdxFile(folder, prefix + "-images", "3");
    const auto labelsPath = requireIdxFile(folder, prefix + "-labels", "1");
    LabeledImages set{readIdxImages(imagesPath), readIdxLabels(labelsPath, numClasses)};
    if (set.images.size(0) != set.labels.size(0))
        throw StudioError("Dataset folder " + folder + ": " + imagesPath + " holds " +
                          std::to_string(set.images.size(0)) + " images but " + labelsPath + " holds " +
                          std::to_string(set.labels.size(0)) + " labels.");
    return set;
}

void addToHash(QCryptographicHash& hash, const torch::Tensor& t)
{
    const auto c = t.contiguous();
    for (const auto size : c.sizes()) {
        const std::int64_t s = size;
        hash.addData(QByteArrayView(reinterpret_cast<const char*>(&s), sizeof s));
    }
    hash.addData(QByteArrayView(static_cast<const char*>(c.data_ptr()), static_cast<qsizetype>(c.nbytes())));
}

double round4(double v)
{
    return std::round(v * 1e4) / 1e4;
}

} // namespace

LabeledImages LabeledImages::select(const torch::Tensor& indices) const
{
    return {images.index_select(0, indices), labels.index_select(0, indices)};
}

LabeledImages LabeledImages::head(std::int64_t n) const
{
    if (n <= 0 || n >= size())
        return *this;
    return {images.slice(0, 0, n), labels.slice(0, 0, n)};
}

std::pair<double, double> pixelStatistics(const torch::Tensor& images)
{
    const auto t = images.contiguous();
    std::array<std::uint64_t, 256> histogram{};
    const auto* p = t.data_ptr<std::uint8_t>();
    for (std::int64_t i = 0, n = t.numel(); i < n; ++i)
        ++histogram[p[i]];
    double count = 0, sum = 0, sumSq = 0;
    for (int v = 0; v < 256; ++v) {
        const double x = v / 255.0, c = static_cast<double>(histogram[v]);
        count += c;
        sum += c * x;
        sumSq += c * x * x;
    }
    if (count == 0)
        return {0.0, 1.0};
    const double mean = sum / count;
    return {mean, std::sqrt(std::max(0.0, sumSq / count - mean * mean))};
}

void fillContentInfo(Dataset& d)
{
    d.trainCount = d.train.size();
    d.testCount = d.test.size();
    if (d.train.images.defined() && d.train.images.dim() == 3) {
        d.rows = static_cast<int>(d.train.images.size(1));
        d.cols = static_cast<int>(d.train.images.size(2));
    }
    QCryptographicHash hash(QCryptographicHash::Blake2b_256);
    for (const auto* set : {&d.train, &d.test}) {
        addToHash(hash, set->images.defined() ? set->images : torch::empty({0}, torch::kUInt8));
        // Labels hash as bytes (they are < 256), whatever integer type they are held in.
        addToHash(hash, set->labels.defined() ? set->labels.to(torch::kUInt8) : torch::empty({0}, torch::kUInt8));
    }
    d.fingerprint = hash.result().toHex().toStdString();
}

bool holdsIdxDataset(const std::string& folder)
{
    return !findIdxFile(folder, "train-images", "3").empty() && !findIdxFile(folder, "train-labels", "1").empty() &&
           !findIdxFile(folder, "t10k-images", "3").empty() && !findIdxFile(folder, "t10k-labels", "1").empty();
}

Dataset loadDataset(const std::string& folder)
{
    if (!fs::is_directory(folder))
        throw StudioError("Dataset folder " + folder + " does not exist.");
    Dataset d;
    d.folder = fs::absolute(folder).lexically_normal().string();
    const auto base = fs::path(folder).lexically_normal();
    auto folderName = (base.has_filename() ? base.filename() : base.parent_path().filename()).string();
    std::string lower = folderName;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    d.name = lower.find("fashion") != std::string::npos ? "Fashion-MNIST"
             : lower.find("mnist") != std::string::npos ? "MNIST"
                                                        : folderName;
    d.classNames = classNamesFor(d.name);
    d.train = loadPair(folder, "train", d.numClasses);
    d.test = loadPair(folder, "t10k", d.numClasses);
    const auto [mean, sd] = pixelStatistics(d.train.images);
    d.mean = round4(mean);
    d.std = sd > 0 ? round4(sd) : 1.0;
    fillContentInfo(d);
    return d;
}

} // namespace studio
