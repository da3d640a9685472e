// Keyword routes: match, check the admin and the body, call the service, write JSON.
#include "api/keywords_api.h"

#include <optional>

#include "api/details/api_responses.h"
#include "api/details/keyword_json.h"
#include "api/details/route_match.h"

namespace groupdesk::api {
namespace {

using details::error_response;
using details::json_response;
using keywords::Rule;

// In the order of routes().
enum class RouteId { List, Create, Export, Import, Test, Get, Patch, Delete, History, Restore };

HttpResponse invalid_rule(std::vector<keywords::Problem> problems) {
    std::vector<details::IndexedProblem> indexed;
    for (auto& p : problems) indexed.push_back({std::nullopt, std::move(p)});
    return json_response(400, details::problems_body(indexed));
}

}  // namespace

const std::vector<Route>& KeywordsApi::routes() {
    static const std::vector<Route> kRoutes = {
        {"GET", "/api/v1/keywords"},
        {"POST", "/api/v1/keywords"},
        {"GET", "/api/v1/keywords/export"},
        {"POST", "/api/v1/keywords/import"},
        {"POST", "/api/v1/keywords/test"},
        {"GET", "/api/v1/keywords/{id}"},
        {"PATCH", "/api/v1/keywords/{id}"},
        {"DELETE", "/api/v1/keywords/{id}"},
        {"GET", "/api/v1/keywords/{id}/history"},
        {"POST", "/api/v1/keywords/{id}/restore"},
    };
    return kRoutes;
}

HttpResponse KeywordsApi::handle(const HttpRequest& request, const config::ApiToken& token) {
    const auto match = details::match_route(routes(), request);
    if (!match.route) return match.refusal;
    const auto route = RouteId(*match.route);
    const std::int64_t id = match.number;
    if (token.role != config::ApiToken::Role::Admin) {
        return error_response(403, "permission_denied", "keyword rules are edited by admins");
    }
    const bool has_body = request.method == "POST" || request.method == "PATCH";
    const std::size_t limit = route == RouteId::Import ? kMaxImportBytes : kMaxApiBodyBytes;
    if (has_body && request.body.size() > limit) {
        return error_response(413, "payload_too_large", "the body is too large");
    }
    if (has_body && !details::is_json(request.header("Content-Type"))) {
        return error_response(415, "unsupported_media_type", "the body must be application/json");
    }
    if (!request.query().empty() && route != RouteId::List) {
        return error_response(400, "invalid_argument", "this route takes no query parameters");
    }
    const std::string actor = "api:" + token.name;
    const auto now = clock_.now();
    const auto index = service_.index();
    const Rule* current = id != 0 ? index->find(id) : nullptr;
    const bool needs_rule = route == RouteId::Get || route == RouteId::Patch ||
                            route == RouteId::Delete;
    if (needs_rule && current == nullptr) {
        return error_response(404, "not_found", "no such keyword rule");
    }

    switch (route) {
        case RouteId::List:
        case RouteId::Export: {
            if (route == RouteId::List && !request.query().empty()) {
                return error_response(400, "invalid_argument",
                                      "this route takes no query parameters", "query");
            }
            return json_response(200, details::rules_body(index->rules()));
        }
        case RouteId::Create: {
            auto parsed = details::parse_rule(request.body, Rule{});
            if (parsed.problems.empty()) parsed.problems = service_.check(parsed.rule);
            if (!parsed.problems.empty()) return invalid_rule(std::move(parsed.problems));
            auto created = service_.create(std::move(parsed.rule), actor, now);
            if (!created.ok()) return error_response(created.error());
            HttpResponse r = json_response(201, details::rule_body(*created));
            r.headers.emplace_back("Location", std::string(kKeywordsPrefix) + "/" +
                                                   std::to_string(created->id));
            return r;
        }
        case RouteId::Import: {
            auto parsed = details::parse_rules(request.body);
            for (std::size_t i = 0; i < parsed.rules.size(); ++i) {
                bool bad_row = false;
                for (const auto& p : parsed.problems) bad_row = bad_row || p.index == i;
                if (bad_row) continue;
                for (auto& p : service_.check(parsed.rules[i])) {
                    parsed.problems.push_back({i, std::move(p)});
                }
            }
            if (!parsed.problems.empty()) {
                return json_response(400, details::problems_body(parsed.problems));
            }
            const std::size_t count = parsed.rules.size();
            auto imported = service_.import(std::move(parsed.rules), actor, now);
            if (!imported.ok()) return error_response(imported.error());
            std::size_t updated = 0;
            for (const auto& r : *imported) updated += r.version > 1 ? 1 : 0;
            return json_response(200, R"({"imported":)" + std::to_string(count) +
                                          R"(,"created":)" + std::to_string(count - updated) +
                                          R"(,"updated":)" + std::to_string(updated) + "}");
        }
        case RouteId::Test: {
            auto test = details::parse_test(request.body);
            if (!test.ok()) return error_response(test.error());
            return json_response(
                200, details::test_body(service_.test(test->text, test->channel, test->chat, now)));
        }
        case RouteId::Get:
            return json_response(200, details::rule_body(*current));
        case RouteId::Patch: {
            auto parsed = details::parse_rule(request.body, *current);
            if (!parsed.has_version) parsed.rule.version = current->version;
            if (parsed.problems.empty()) parsed.problems = service_.check(parsed.rule);
            if (!parsed.problems.empty()) return invalid_rule(std::move(parsed.problems));
            auto updated = service_.update(std::move(parsed.rule), actor, now);
            if (!updated.ok()) return error_response(updated.error());
            return json_response(200, details::rule_body(*updated));
        }
        case RouteId::Delete: {
            auto removed = service_.remove(id, current->version, actor, now);
            if (!removed.ok()) return error_response(removed.error());
            return json_response(200, details::rule_body(*removed));
        }
        case RouteId::History: {
            auto versions = service_.history(id);
            if (!versions.ok()) return error_response(versions.error());
            if (versions->empty()) return error_response(404, "not_found", "no such keyword rule");
            return json_response(200, details::history_body(*versions));
        }
        case RouteId::Restore: {
            auto version = details::parse_restore(request.body);
            if (!version.ok()) return error_response(version.error());
            auto restored = service_.restore(id, *version, actor, now);
            if (!restored.ok()) return error_response(restored.error());
            return json_response(200, details::rule_body(*restored));
        }
    }
    return error_response(404, "not_found", "no such resource");
}

}  // namespace groupdesk::api
