// ASCII helpers for protocol tokens (header names, event names); no locale involved.
#pragma once

#include <algorithm>
#include <string_view>

namespace groupdesk {

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

// Case-insensitive equality of ASCII letters; other bytes compare exactly.
constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return ascii_lower(x) == ascii_lower(y);
           });
}

}  // namespace groupdesk
