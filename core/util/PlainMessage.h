#pragma once
#include <exception>
#include <string>

namespace studio {

/// An exception's message fit for a user: what() — except that a c10::Error (LibTorch) keeps only
/// its first line, without the C++ stack it appends. No closing full stop for c10 errors.
std::string plainMessage(const std::exception& e);

} // namespace studio
