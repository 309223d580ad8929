#include "util/PlainMessage.h"

#include <c10/util/Exception.h>

#include <algorithm>

namespace studio {

std::string plainMessage(const std::exception& e)
{
    const auto* c10 = dynamic_cast<const c10::Error*>(&e);
    if (!c10)
        return e.what();
    std::string s = c10->what_without_backtrace();
    s = s.substr(0, std::min(s.find('\n'), std::size_t(200)));
    while (!s.empty() && (s.back() == ' ' || s.back() == '.'))
        s.pop_back();
    return s;
}

} // namespace studio
