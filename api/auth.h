// Bearer-token authentication for the REST API: which configured API token, if any, a request's
// Authorization header carries. Tokens are compared in constant time and never logged.
#pragma once

#include <string_view>
#include <vector>

#include "config/config.h"

namespace groupdesk::api {

// Equal contents, in time that depends only on the lengths, so that a caller timing answers
// learns nothing about how much of a guess was right.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

class BearerAuth {
public:
    explicit BearerAuth(std::vector<config::ApiToken> tokens) : tokens_(std::move(tokens)) {}

    // The token named by `authorization` ("Bearer <token>"; the scheme is case-insensitive),
    // or nullptr when the header is missing, malformed or names no configured token. Every
    // configured token is compared, matched or not.
    const config::ApiToken* authenticate(std::string_view authorization) const noexcept;

private:
    std::vector<config::ApiToken> tokens_;
};

}  // namespace groupdesk::api
