#include "support/SyntheticData.h"

#include "data/DataLocator.h"
#include "data/IdxReader.h"
#include "util/Seed.h"

#include <QDir>

namespace studio::test {
namespace {

LabeledImages makeSet(std::int64_t perClass, std::uint64_t seed)
{
    const auto n = perClass * 10;
    auto images = torch::zeros({n, 28, 28}, torch::kUInt8);
    auto labels = torch::empty({n}, torch::kInt64);
    auto* px = images.data_ptr<std::uint8_t>();
    std::uint64_t s = seed;
    auto next = [&] { return s = mixSeed(s, 7); };
    for (std::int64_t i = 0; i < n; ++i) {
        const int c = static_cast<int>(i % 10);
        labels[i] = c;
        const int row = 3 + (c / 5) * 12 + static_cast<int>(next() % 3) - 1;
        const int col = 1 + (c % 5) * 5 + static_cast<int>(next() % 3) - 1;
        auto* img = px + i * 784;
        for (int k = 0; k < 784; ++k)
            img[k] = static_cast<std::uint8_t>(next() % 40);
        for (int y = std::max(0, row); y < std::min(28, row + 8); ++y)
            for (int x = std::max(0, col); x < std::min(28, col + 5); ++x)
                img[y * 28 + x] = static_cast<std::uint8_t>(200 + next() % 56);
    }
    return {images, labels};
}

} // namespace

Dataset syntheticDataset(std::int64_t trainPerClass, std::int64_t testPerClass, std::uint64_t seed)
{
    Dataset d;
    d.name = "synthetic";
    d.train = makeSet(trainPerClass, seed);
    d.test = makeSet(testPerClass, mixSeed(seed, 99));
    const auto [mean, sd] = pixelStatistics(d.train.images);
    d.mean = mean;
    d.std = sd;
    d.classNames = classNamesFor(d.name);
    fillContentInfo(d);
    return d;
}

void writeIdxFolder(const Dataset& d, const QString& folder, bool gz)
{
    QDir().mkpath(folder);
    const std::string ext = gz ? ".gz" : "";
    const auto base = folder.toStdString() + "/";
    writeIdx(base + "train-images-idx3-ubyte" + ext, d.train.images);
    writeIdx(base + "train-labels-idx1-ubyte" + ext, d.train.labels);
    writeIdx(base + "t10k-images-idx3-ubyte" + ext, d.test.images);
    writeIdx(base + "t10k-labels-idx1-ubyte" + ext, d.test.labels);
}

QString mnistFolder()
{
    const QString folder = qEnvironmentVariable("MNIST_STUDIO_SOURCE") + "/data/mnist";
    return holdsIdxDataset(folder.toStdString()) ? folder : QString();
}

} // namespace studio::test
