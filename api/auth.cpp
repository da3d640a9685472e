// Bearer authentication: header parsing and a constant-time comparison against every token.
#include "api/auth.h"

#include <algorithm>
#include <cstddef>

#include "common/ascii.h"

namespace groupdesk::api {

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
    // XOR-accumulate over the longer length, with the length difference folded in: no early
    // exit on the first differing byte.
    std::size_t diff = a.size() ^ b.size();
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        const auto x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0u;
        const auto y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0u;
        diff |= x ^ y;
    }
    return diff == 0;
}

const config::ApiToken* BearerAuth::authenticate(std::string_view authorization) const noexcept {
    constexpr std::string_view kScheme = "bearer";
    if (authorization.size() <= kScheme.size() + 1 ||
        !ascii_iequals(authorization.substr(0, kScheme.size()), kScheme) ||
        authorization[kScheme.size()] != ' ') {
        return nullptr;
    }
    std::string_view presented = authorization.substr(kScheme.size() + 1);
    while (!presented.empty() && presented.front() == ' ') presented.remove_prefix(1);
    while (!presented.empty() && presented.back() == ' ') presented.remove_suffix(1);
    if (presented.empty()) return nullptr;
    const config::ApiToken* match = nullptr;
    for (const auto& token : tokens_) {
        // No break: the time taken must not tell which token matched.
        if (constant_time_equal(presented, token.token)) match = &token;
    }
    return match;
}

}  // namespace groupdesk::api
