// Keyword routes: match, check the admin and the body, call the service, write JSON.
#include "api/keywords_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

#include "api/details/api_responses.h"
#include "api/details/keyword_json.h"
#include "api/details/route_match.h"
#include "common/http_status.h"
#include "common/log_text.h"
#include "keywords/mp_import.h"

namespace groupdesk::api {
namespace {

using details::error_response;
using details::json_response;
using keywords::Rule;

// In the order of routes().
enum class RouteId {
    List,
    Create,
    Export,
    Import,
    ImportMp,
    Test,
    Get,
    Patch,
    Delete,
    History,
    Restore
};

HttpResponse invalid_rule(std::vector<keywords::Problem> problems) {
    std::vector<details::IndexedProblem> indexed;
    for (auto& p : problems) indexed.push_back({std::nullopt, std::move(p)});
    return json_response(400, details::problems_body(indexed));
}

// The platform would not give the account's rules. Unavailable (network, timeout, 5xx, busy) is
// a 503 like any other; a refusal (an errcode: the account may not call the API, a wrong secret;
// or an unexpected HTTP status) is the upstream's answer, neither a bad request nor a bad API
// token of the caller (403/401 would say so): 502, with the errcode in the message.
HttpResponse platform_failure(const std::string& channel, const Error& error) {
    spdlog::warn("api: import-mp from channel {}: {}", log_text(channel), log_text(error.message));
    if (error.code == ErrorCode::Unavailable) {
        return error_response(503, "unavailable", "the platform is unavailable; try again later");
    }
    const std::string why = error.detail != 0 ? "errcode " + std::to_string(error.detail)
                                              : std::string(public_reason(error));
    return error_response(502, "platform_refused",
                          "the platform refused get_current_autoreply_info: " + why);
}

}  // namespace

HttpResponse KeywordsApi::import_mp(const HttpRequest& request, const std::string& actor) {
    auto parsed = details::parse_import_mp(request.body);
    if (!parsed.ok()) return error_response(parsed.error());
    const auto channel = std::find_if(channels_.begin(), channels_.end(),
                                      [&](const auto& c) { return c.name == parsed->channel; });
    if (channel == channels_.end()) {
        return error_response(400, "invalid_argument", "channel is not a configured channel",
                              "channel");
    }
    if (channel->kind != config::ChannelKind::Mp) {
        return error_response(400, "invalid_argument",
                              "channel must be an Official Account (mp) channel", "channel");
    }
    const bool saved = parsed->answer.has_value();
    std::string answer;
    if (saved) {
        answer = std::move(*parsed->answer);
    } else {
        if (channel->receive_id.empty() || channel->secret.empty()) {
            return error_response(400, "invalid_argument",
                                  "channel needs receive_id (the AppID) and secret to ask the "
                                  "platform; send a saved answer instead",
                                  "channel");
        }
        // Blocks this REST worker for at most the platform timeout; never an I/O thread.
        auto fetched = platform_.get_autoreply_info(*channel);
        if (!fetched.ok()) return platform_failure(channel->name, fetched.error());
        answer = std::move(fetched).value();
    }
    auto mapped = keywords::map_mp_autoreply(answer, channel->name);
    if (!mapped.ok()) {
        const Error& e = mapped.error();
        const std::string field = e.field.empty() ? "answer" : "answer." + e.field;
        const std::string what = e.field.empty() ? std::string(public_reason(e))
                                                 : field + " " + std::string(public_reason(e));
        if (saved) return error_response(400, "invalid_argument", what, field);
        spdlog::warn("api: import-mp from channel {}: {}", log_text(channel->name),
                     log_text(e.message));
        return error_response(502, "platform_refused",
                              "the platform's answer is not the expected shape: " + what);
    }
    // A rule GroupDesk would refuse (a reply over its size limit, say) is reported, not
    // imported, so that the rest still comes over.
    std::vector<Rule> rules;
    std::vector<keywords::NotCarried> skipped = std::move(mapped->skipped);
    for (std::size_t i = 0; i < mapped->rules.size(); ++i) {
        const auto problems = service_.check(mapped->rules[i]);
        if (problems.empty()) {
            rules.push_back(std::move(mapped->rules[i]));
            continue;
        }
        skipped.push_back(
            {mapped->names[i], problems.front().field + " " + problems.front().reason});
    }
    if (rules.empty()) return json_response(200, details::import_body({}, &skipped));
    auto imported = service_.import(std::move(rules), actor, clock_.now());
    if (!imported.ok()) return error_response(imported.error());
    return json_response(200, details::import_body(*imported, &skipped));
}

const std::vector<Route>& KeywordsApi::routes() {
    static const std::vector<Route> kRoutes = {
        {"GET", "/api/v1/keywords"},
        {"POST", "/api/v1/keywords"},
        {"GET", "/api/v1/keywords/export"},
        {"POST", "/api/v1/keywords/import"},
        {"POST", "/api/v1/keywords/import-mp"},
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
    const std::size_t limit =
        route == RouteId::Import || route == RouteId::ImportMp ? kMaxImportBytes : kMaxApiBodyBytes;
    if (has_body) {
        if (auto refusal = details::refuse_body(request, limit)) return *refusal;
    }
    if (!request.query().empty()) {
        return error_response(400, "invalid_argument", "this route takes no query parameters",
                              "query");
    }
    const std::string actor = "api:" + token.name;
    const auto now = clock_.now();
    const auto index = service_.index();
    const Rule* current = id != 0 ? index->find(id) : nullptr;
    const bool needs_rule =
        route == RouteId::Get || route == RouteId::Patch || route == RouteId::Delete;
    if (needs_rule && current == nullptr) {
        return error_response(404, "not_found", "no such keyword rule");
    }

    switch (route) {
        case RouteId::List:
        case RouteId::Export:
            return json_response(200, details::rules_body(index->rules()));
        case RouteId::Create: {
            auto parsed = details::parse_rule(request.body, Rule{});
            if (parsed.problems.empty()) parsed.problems = service_.check(parsed.rule);
            if (!parsed.problems.empty()) return invalid_rule(std::move(parsed.problems));
            auto created = service_.create(std::move(parsed.rule), actor, now);
            if (!created.ok()) return error_response(created.error());
            HttpResponse r = json_response(201, details::rule_body(*created));
            r.headers.emplace_back(
                "Location", std::string(kKeywordsPrefix) + "/" + std::to_string(created->id));
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
            auto imported = service_.import(std::move(parsed.rules), actor, now);
            if (!imported.ok()) return error_response(imported.error());
            return json_response(200, details::import_body(*imported));
        }
        case RouteId::ImportMp:
            return import_mp(request, actor);
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
