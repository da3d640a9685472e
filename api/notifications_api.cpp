// Notification routes: query parsing, the admin check, and the store's answers as JSON.
#include "api/notifications_api.h"

#include <algorithm>

#include "api/details/api_responses.h"
#include "api/details/json_views.h"
#include "common/query_string.h"

namespace groupdesk::api {

using details::error_response;
using details::invalid;
using details::json_response;

HttpResponse list_notifications(tickets::OutboxStore& outbox, std::string_view query_text) {
    static constexpr std::string_view kKnown[] = {"state", "kind", "ticket", "limit", "cursor"};
    auto params = QueryParams::parse(query_text);
    if (!params.ok()) return error_response(invalid("", "the query string is malformed"));
    if (auto unknown = details::unknown_parameter(*params, kKnown)) {
        return error_response(invalid(*unknown, "is not a known query parameter"));
    }
    tickets::NotificationQuery query;
    if (auto state = params->get("state"); state && !state->empty()) {
        query.state = tickets::parse_delivery_state(*state);
        if (!query.state) {
            return error_response(
                invalid("state",
                        "state must be one of pending, sent, failed, undeliverable, "
                        "window_closed, quota_exhausted"));
        }
    }
    if (auto kind = params->get("kind"); kind && !kind->empty()) {
        query.kind = tickets::parse_notification_kind(*kind);
        if (!query.kind) {
            return error_response(
                invalid("kind", "kind must be one of ticket, alert, message, nudge"));
        }
    }
    if (auto ticket = params->get("ticket"); ticket && !ticket->empty()) {
        query.ticket = details::parse_number(*ticket);
        if (!query.ticket) return error_response(invalid("ticket", "ticket must be a number"));
    }
    if (auto limit = params->get("limit")) {
        const auto n = details::parse_number(*limit);
        if (!n || *n > std::int64_t(tickets::kMaxPageSize)) {
            return error_response(invalid("limit", "limit must be an integer from 1 to 100"));
        }
        query.limit = std::size_t(*n);
    }
    if (auto cursor = params->get("cursor")) {
        query.after = details::decode_cursor(*cursor);
        if (!query.after) {
            return error_response(invalid("cursor", "cursor is not one this API returned"));
        }
    }
    // One more than the page tells whether another follows.
    const std::size_t page = query.limit;
    query.limit = page + 1;
    auto rows = outbox.list(query);
    if (!rows.ok()) return error_response(rows.error());
    std::optional<std::string> cursor;
    if (rows->size() > page) {
        rows->resize(page);
        cursor = details::encode_cursor(rows->back().id);
    }
    return json_response(200, details::notifications_body(*rows, cursor));
}

HttpResponse retry_notification(tickets::OutboxStore& outbox, std::int64_t id,
                                const tickets::Actor& actor, tickets::time_point now,
                                const std::function<void()>& on_retry) {
    if (actor.role != tickets::ActorRole::Admin) {
        return error_response(403, "permission_denied", "only an admin token may retry");
    }
    auto retried = outbox.retry(id, now);
    if (!retried.ok()) return error_response(retried.error());
    if (on_retry) on_retry();
    auto row = outbox.find(id);
    if (!row.ok()) return error_response(row.error());
    if (!row->has_value()) return error_response(404, "not_found", "no such notification");
    return json_response(200, details::notification_body(**row));
}

}  // namespace groupdesk::api
