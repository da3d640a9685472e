// Which route of a table a request is for: the path against the templates ("/api/v1/tickets/
// {number}"), then the method — or the 404 / 405 (with Allow) to answer instead. A placeholder
// named {number} or {id} is a positive number; any other ({channel}, {user}) is a text segment of
// 1..kMaxTextSegment bytes without control characters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/tickets_api.h"
#include "common/http_types.h"

namespace groupdesk::api::details {

// Longer than any openid or channel name: a longer segment is no resource of ours.
inline constexpr std::size_t kMaxTextSegment = 128;

struct RouteMatch {
    std::optional<std::size_t> route;  // the index in the table
    std::int64_t number = 0;           // the number placeholder's value, 0 when none
    std::vector<std::string> texts;    // the text placeholders' segments, in path order
    HttpResponse refusal;              // when no route: 404, or 405 with Allow
};

RouteMatch match_route(const std::vector<Route>& routes, const HttpRequest& request);

}  // namespace groupdesk::api::details
