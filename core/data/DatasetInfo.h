#pragma once
#include <QJsonObject>

#include <cstdint>
#include <string>
#include <vector>

namespace studio {

/// What identifies a dataset and what a model trained on it needs from it: the record a run,
/// its config.json and every checkpoint carry, so any process that opens the run later can find
/// the same data (or refuse) and read the model's outputs with the right class names.
struct DatasetInfo {
    std::string name{};        ///< "MNIST", "Fashion-MNIST" or the folder name
    std::string folder{};      ///< where it was loaded from ("" for data made in memory)
    std::string fingerprint{}; ///< BLAKE2b-256 (hex) of the decoded images and labels; "" when unknown
    int rows = 28, cols = 28;
    int numClasses = 10;
    std::vector<std::string> classNames{};
    std::int64_t trainCount = 0, testCount = 0;
    double mean = 0.1307; ///< normalisation of the training pixels in [0, 1] the model uses
    double std = 0.3081;

    /// The first 12 hex digits of the fingerprint ("" when unknown).
    std::string shortFingerprint() const { return fingerprint.substr(0, 12); }
    /// What tells datasets apart when runs are grouped or compared: the fingerprint, or for a record
    /// without one (runs made before fingerprints) "name:" and the name.
    std::string key() const { return fingerprint.empty() ? "name:" + name : fingerprint; }
    /// True when the classes are the digits 0–9 (a drawing canvas makes sense).
    bool isDigits() const;
    /// Class `c`'s name, or its number when the record has none.
    std::string className(int c) const;
    /// One line for messages: "Fashion-MNIST (fingerprint 1a2b3c4d5e6f, 60000 train / 10000 test
    /// images, from /usr/share/datasets/fashion-mnist)".
    std::string describe() const;
};

/// The built-in class names for a dataset name: Fashion-MNIST's ten garments, digits otherwise.
std::vector<std::string> classNamesFor(const std::string& datasetName);

QJsonObject toJson(const DatasetInfo& info);
/// Reads what toJson wrote; missing fields keep their defaults (class names: classNamesFor(name)).
DatasetInfo datasetInfoFromJson(const QJsonObject& json);

} // namespace studio
