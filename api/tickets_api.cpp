// The ticket REST API: authenticate, match the route, read the input, call TicketService, answer
// JSON; one log line per request.
#include "api/tickets_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "api/conversations_api.h"
#include "api/details/api_responses.h"
#include "api/details/json_views.h"
#include "api/details/route_match.h"
#include "api/keywords_api.h"
#include "api/notifications_api.h"
#include "common/http_status.h"
#include "common/log_text.h"
#include "common/query_string.h"

namespace groupdesk::api {
namespace {

using details::decode_cursor;
using details::encode_cursor;
using details::error_response;
using details::invalid;
using details::is_json;
using details::json_response;
using details::parse_number;

using tickets::Actor;
using tickets::ActorRole;

// In the order of routes(); dispatch() switches on it.
enum class RouteId { List, Create, Get, Edit, Comment, Notifications, RetryNotification };

Result<tickets::TicketQuery> parse_list_query(std::string_view query_text) {
    static constexpr std::string_view kKnown[] = {"status",   "group", "channel", "assignee",
                                                  "reporter", "q",     "limit",   "cursor"};
    auto params = QueryParams::parse(query_text);
    if (!params.ok()) return invalid("", "the query string is malformed");
    if (auto unknown = details::unknown_parameter(*params, kKnown)) {
        return invalid(*unknown, "is not a known query parameter");
    }
    tickets::TicketQuery query;
    auto text = [&](std::string_view name) { return std::string(params->get(name).value_or("")); };
    query.group = text("group");
    query.channel = text("channel");
    query.assignee = text("assignee");
    query.reporter = text("reporter");
    query.text = text("q");
    if (auto status = params->get("status"); status && !status->empty()) {
        std::string_view list = *status;
        while (true) {
            const std::string_view word = list.substr(0, list.find(','));
            const auto parsed = tickets::parse_status(word);
            if (!parsed) {
                return invalid("status",
                               "status must be a comma-separated list of open, in_progress, "
                               "resolved, closed");
            }
            query.statuses.push_back(*parsed);
            if (word.size() == list.size()) break;
            list.remove_prefix(word.size() + 1);
        }
    }
    if (auto limit = params->get("limit")) {
        const auto n = parse_number(*limit);
        if (!n || *n > std::int64_t(tickets::kMaxPageSize)) {
            return invalid("limit", "limit must be an integer from 1 to 100");
        }
        query.limit = std::size_t(*n);
    }
    if (auto cursor = params->get("cursor")) {
        query.after = decode_cursor(*cursor);
        if (!query.after) return invalid("cursor", "cursor is not one this API returned");
    }
    return query;
}

// `path` is `prefix` or below it.
bool under(std::string_view path, std::string_view prefix) {
    return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace

const std::vector<Route>& TicketsApi::routes() {
    static const std::vector<Route> kRoutes = {
        {"GET", "/api/v1/tickets"},
        {"POST", "/api/v1/tickets"},
        {"GET", "/api/v1/tickets/{number}"},
        {"PATCH", "/api/v1/tickets/{number}"},
        {"POST", "/api/v1/tickets/{number}/comments"},
        {"GET", "/api/v1/notifications"},
        {"POST", "/api/v1/notifications/{id}/retry"},
    };
    return kRoutes;
}

TicketsApi::TicketsApi(tickets::TicketService& service, const Clock& clock,
                       std::vector<config::ApiToken> tokens, tickets::OutboxStore* outbox,
                       std::function<void()> on_retry)
    : service_(service),
      clock_(clock),
      auth_(std::move(tokens)),
      outbox_(outbox),
      on_retry_(std::move(on_retry)) {}

HttpResponse TicketsApi::handle(const HttpRequest& request) {
    const auto started = std::chrono::steady_clock::now();
    const config::ApiToken* token = auth_.authenticate(request.header("Authorization"));
    HttpResponse response;
    try {
        if (token == nullptr) {
            response = error_response(401, "unauthenticated", "a valid bearer token is required");
            response.headers.emplace_back("WWW-Authenticate", "Bearer");
        } else {
            response = dispatch(request, *token);
        }
    } catch (const std::exception& e) {
        // A bug or an allocation failure: the caller gets no detail, the log gets the text.
        spdlog::error("api: {} {}: {}", log_text(request.method), log_text(request.path()),
                      log_text(e.what()));
        response = error_response(500, "internal", "internal error");
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    spdlog::info("api {} {} {} {}ms token={}", log_text(request.method, 16),
                 log_text(request.path()), response.status, ms,
                 token == nullptr ? std::string_view("-") : std::string_view(token->name));
    return response;
}

HttpResponse TicketsApi::dispatch(const HttpRequest& request, const config::ApiToken& token) {
    if (under(request.path(), kKeywordsPrefix)) {
        if (keywords_ == nullptr) return error_response(404, "not_found", "no such resource");
        return keywords_->handle(request, token);
    }
    if (under(request.path(), kConversationsPrefix)) {
        if (conversations_ == nullptr) {
            return error_response(404, "not_found", "no such resource");
        }
        return conversations_->handle(request, token);
    }
    const auto match = details::match_route(routes(), request);
    if (!match.route) return match.refusal;
    const RouteId route = RouteId(*match.route);
    const std::int64_t number = match.number;
    const bool has_body =
        route == RouteId::Create || route == RouteId::Edit || route == RouteId::Comment;
    if (has_body) {
        if (auto refusal = details::refuse_body(request, kMaxApiBodyBytes)) return *refusal;
    }

    const Actor actor{token.name, token.role == config::ApiToken::Role::Admin ? ActorRole::Admin
                                                                              : ActorRole::Agent};
    const auto now = clock_.now();
    switch (route) {
        case RouteId::List: {
            auto query = parse_list_query(request.query());
            if (!query.ok()) return error_response(query.error());
            auto page = service_.list(std::move(query).value(), actor, nullptr);
            if (!page.ok()) return error_response(page.error());
            std::optional<std::string> cursor;
            if (page->next_after) cursor = encode_cursor(*page->next_after);
            return json_response(200, details::list_body(page->tickets, cursor));
        }
        case RouteId::Create: {
            auto body = details::parse_create(request.body);
            if (!body.ok()) return error_response(body.error());
            auto ticket = service_.create(std::move(body->ticket), actor, body->where, now);
            if (!ticket.ok()) return error_response(ticket.error());
            HttpResponse r = json_response(201, details::ticket_body(*ticket));
            r.headers.emplace_back("Location", "/api/v1/tickets/" + std::to_string(ticket->number));
            return r;
        }
        case RouteId::Get: {
            auto ticket = service_.get(number, actor, nullptr);
            if (!ticket.ok()) return error_response(ticket.error());
            auto events = service_.history(number, actor, nullptr);
            if (!events.ok()) return error_response(events.error());
            if (outbox_ == nullptr)
                return json_response(200, details::ticket_body(*ticket, &*events));
            tickets::NotificationQuery query;
            query.ticket = number;
            query.limit = tickets::kMaxPageSize;
            auto notifications = outbox_->list(query);
            if (!notifications.ok()) return error_response(notifications.error());
            return json_response(200, details::ticket_body(*ticket, &*events, &*notifications));
        }
        case RouteId::Edit: {
            auto edit = details::parse_edit(request.body);
            if (!edit.ok()) return error_response(edit.error());
            auto ticket = service_.edit(number, *edit, actor, now);
            if (!ticket.ok()) return error_response(ticket.error());
            return json_response(200, details::ticket_body(*ticket));
        }
        case RouteId::Comment: {
            auto text = details::parse_comment(request.body);
            if (!text.ok()) return error_response(text.error());
            auto ticket = service_.comment(number, *text, actor, now);
            if (!ticket.ok()) return error_response(ticket.error());
            // The store numbers the event: read it back, the newest comment by this token.
            auto events = service_.history(number, actor, nullptr);
            if (!events.ok()) return error_response(events.error());
            const auto it = std::find_if(events->rbegin(), events->rend(), [&](const auto& e) {
                return e.action == tickets::EventAction::Comment && e.actor == actor.id;
            });
            if (it == events->rend()) {
                return error_response(make_error(ErrorCode::Unavailable, "comment not read back"));
            }
            return json_response(201, details::event_body(*it));
        }
        case RouteId::Notifications:
            if (outbox_ == nullptr) break;
            return list_notifications(*outbox_, request.query());
        case RouteId::RetryNotification:
            if (outbox_ == nullptr) break;
            return retry_notification(*outbox_, number, actor, now, on_retry_);
    }
    return error_response(404, "not_found", "no such resource");
}

}  // namespace groupdesk::api
