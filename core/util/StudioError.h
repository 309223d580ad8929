#pragma once
#include <stdexcept>
#include <string>

namespace studio {

/// The one exception type core throws for anything a user can cause: a bad file, a bad
/// configuration value, a checkpoint that does not fit. what() is a complete sentence that names
/// the file or field and the problem, ready to show in a message box or on stderr.
class StudioError : public std::runtime_error {
public:
    explicit StudioError(const std::string& message) : std::runtime_error(message) {}
};

} // namespace studio
