// Which route of a table a request is for: the path against the templates ("/api/v1/tickets/
// {number}"; a placeholder is a positive number), then the method — or the 404 / 405 (with
// Allow) to answer instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "api/tickets_api.h"
#include "common/http_types.h"

namespace groupdesk::api::details {

struct RouteMatch {
    std::optional<std::size_t> route;  // the index in the table
    std::int64_t number = 0;           // the placeholder's value, 0 when none
    HttpResponse refusal;              // when no route: 404, or 405 with Allow
};

RouteMatch match_route(const std::vector<Route>& routes, const HttpRequest& request);

}  // namespace groupdesk::api::details
