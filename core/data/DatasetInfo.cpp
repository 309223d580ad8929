#include "data/DatasetInfo.h"

#include <QJsonArray>

namespace studio {

bool DatasetInfo::isDigits() const
{
    if (numClasses != 10)
        return false;
    for (int c = 0; c < 10; ++c)
        if (className(c) != std::to_string(c))
            return false;
    return true;
}

std::string DatasetInfo::className(int c) const
{
    return c >= 0 && c < static_cast<int>(classNames.size()) ? classNames[static_cast<std::size_t>(c)]
                                                             : std::to_string(c);
}

std::string DatasetInfo::describe() const
{
    std::string s = name.empty() ? std::string("an unnamed dataset") : name;
    std::vector<std::string> parts;
    parts.push_back(fingerprint.empty() ? "no fingerprint recorded" : "fingerprint " + shortFingerprint());
    if (trainCount > 0 || testCount > 0)
        parts.push_back(std::to_string(trainCount) + " train / " + std::to_string(testCount) + " test images");
    if (!folder.empty())
        parts.push_back("from " + folder);
    s += " (";
    for (std::size_t i = 0; i < parts.size(); ++i)
        s += (i ? ", " : "") + parts[i];
    return s + ")";
}

std::vector<std::string> classNamesFor(const std::string& datasetName)
{
    if (datasetName == "Fashion-MNIST")
        return {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
    std::vector<std::string> digits;
    for (int c = 0; c < 10; ++c)
        digits.push_back(std::to_string(c));
    return digits;
}

QJsonObject toJson(const DatasetInfo& d)
{
    QJsonArray names;
    for (const auto& n : d.classNames)
        names.append(QString::fromStdString(n));
    return {{"name", QString::fromStdString(d.name)},
            {"folder", QString::fromStdString(d.folder)},
            {"fingerprint", QString::fromStdString(d.fingerprint)},
            {"image_size", QJsonArray{d.rows, d.cols}},
            {"num_classes", d.numClasses},
            {"class_names", names},
            {"train_count", qint64(d.trainCount)},
            {"test_count", qint64(d.testCount)},
            {"mean", d.mean},
            {"std", d.std}};
}

DatasetInfo datasetInfoFromJson(const QJsonObject& o)
{
    DatasetInfo d;
    d.name = o.value("name").toString().toStdString();
    d.folder = o.value("folder").toString().toStdString();
    d.fingerprint = o.value("fingerprint").toString().toStdString();
    const auto size = o.value("image_size").toArray();
    d.rows = size.at(0).toInt(28);
    d.cols = size.at(1).toInt(28);
    d.numClasses = o.value("num_classes").toInt(10);
    for (const auto& n : o.value("class_names").toArray())
        d.classNames.push_back(n.toString().toStdString());
    if (d.classNames.empty())
        d.classNames = classNamesFor(d.name);
    d.trainCount = o.value("train_count").toInteger();
    d.testCount = o.value("test_count").toInteger();
    d.mean = o.value("mean").toDouble(0.1307);
    d.std = o.value("std").toDouble(0.3081);
    return d;
}

} // namespace studio
