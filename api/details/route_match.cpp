// Route templates against request paths.
#include "api/details/route_match.h"

#include <algorithm>
#include <string>
#include <utility>

#include "api/details/api_responses.h"

namespace groupdesk::api::details {
namespace {

bool is_number_placeholder(std::string_view p) { return p == "/{number}" || p == "/{id}"; }

bool is_text_segment(std::string_view s) {
    if (s.empty() || s.size() > kMaxTextSegment) return false;
    return std::none_of(s.begin(), s.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// Does `path` fit `pattern`, a route template? `number` and `texts` get the placeholders' values.
bool fits(std::string_view pattern, std::string_view path, std::int64_t& number,
          std::vector<std::string>& texts) {
    while (!pattern.empty() || !path.empty()) {
        const auto p_end = pattern.find('/', 1);
        const auto s_end = path.find('/', 1);
        const std::string_view p = pattern.substr(0, p_end);
        const std::string_view s = path.substr(0, s_end);
        if (p.starts_with("/{") && p.ends_with("}") && !is_number_placeholder(p)) {
            if (!s.starts_with("/") || !is_text_segment(s.substr(1))) return false;
            texts.emplace_back(s.substr(1));
        } else if (p.starts_with("/{") && p.ends_with("}")) {
            const auto n = s.size() > 1 ? parse_number(s.substr(1)) : std::nullopt;
            if (!n) return false;
            number = *n;
        } else if (p != s) {
            return false;
        }
        pattern.remove_prefix(p.size());
        path.remove_prefix(s.size());
    }
    return true;
}

}  // namespace

RouteMatch match_route(const std::vector<Route>& routes, const HttpRequest& request) {
    RouteMatch match;
    std::string allow;
    for (std::size_t i = 0; i < routes.size(); ++i) {
        std::int64_t n = 0;
        std::vector<std::string> texts;
        if (!fits(routes[i].path, request.path(), n, texts)) continue;
        if (routes[i].method == request.method) {
            match.route = i;
            match.number = n;
            match.texts = std::move(texts);
        }
        allow += (allow.empty() ? "" : ", ") + std::string(routes[i].method);
    }
    if (match.route) return match;
    if (allow.empty()) {
        match.refusal = error_response(404, "not_found", "no such resource");
    } else {
        match.refusal = error_response(405, "method_not_allowed", "method not allowed");
        match.refusal.headers.emplace_back("Allow", allow);
    }
    return match;
}

}  // namespace groupdesk::api::details
