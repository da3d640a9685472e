// Conversation routes: match, read the query or the body, call ReplyWindowService, write JSON.
#include "api/conversations_api.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "api/details/api_responses.h"
#include "api/details/conversation_json.h"
#include "api/details/json_views.h"
#include "api/details/route_match.h"
#include "common/query_string.h"

namespace groupdesk::api {
namespace {

using details::error_response;
using details::invalid;
using details::json_response;

// In the order of routes().
enum class RouteId { List, Get, Send };

// Config channel names are [a-z0-9_-]: anything else names no channel, and is said so rather
// than looked up.
bool is_channel_name(std::string_view name) {
    return !name.empty() && name.size() <= details::kMaxTextSegment &&
           std::all_of(name.begin(), name.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
           });
}

HttpResponse no_conversation() { return error_response(404, "not_found", "no such conversation"); }

// The service's refusals: a closed window or a used quota is a 409 whose code says which, so
// that a console can tell the agent why without parsing the message.
HttpResponse send_refusal(const Error& error) {
    if (error.code == ErrorCode::FailedPrecondition) {
        if (error.public_reason == "quota_exhausted") {
            return error_response(409, "quota_exhausted",
                                  "the reply window's messages are used; the user must write "
                                  "first");
        }
        if (error.public_reason == "window_closed") {
            return error_response(409, "window_closed",
                                  "the reply window is closed; the user must write first");
        }
    }
    if (error.code == ErrorCode::NotFound) return no_conversation();
    return error_response(error);
}

Result<tickets::ConversationListQuery> parse_list_query(std::string_view text) {
    static constexpr std::string_view kKnown[] = {"at_risk", "channel", "limit", "after"};
    auto params = QueryParams::parse(text);
    if (!params.ok()) return invalid("", "the query string is malformed");
    if (auto unknown = details::unknown_parameter(*params, kKnown)) {
        return invalid(*unknown, "is not a known query parameter");
    }
    tickets::ConversationListQuery query;
    if (auto at_risk = params->get("at_risk")) {
        if (*at_risk != "true" && *at_risk != "false") {
            return invalid("at_risk", "at_risk must be true or false");
        }
        query.at_risk = *at_risk == "true";
    }
    if (auto channel = params->get("channel"); channel && !channel->empty()) {
        if (!is_channel_name(*channel)) {
            return invalid("channel", "channel must be a channel name ([a-z0-9_-])");
        }
        query.channel = std::string(*channel);
    }
    if (auto limit = params->get("limit")) {
        const auto n = details::parse_number(*limit);
        if (!n || *n > std::int64_t(tickets::kMaxPageSize)) {
            return invalid("limit", "limit must be an integer from 1 to 100");
        }
        query.limit = std::size_t(*n);
    }
    if (auto after = params->get("after")) {
        if (after->empty()) return invalid("after", "after must be a next_after of this list");
        query.after = std::string(*after);
    }
    return query;
}

}  // namespace

const std::vector<Route>& ConversationsApi::routes() {
    static const std::vector<Route> kRoutes = {
        {"GET", "/api/v1/conversations"},
        {"GET", "/api/v1/conversations/{channel}/{user}"},
        {"POST", "/api/v1/conversations/{channel}/{user}/messages"},
    };
    return kRoutes;
}

HttpResponse ConversationsApi::handle(const HttpRequest& request, const config::ApiToken& token) {
    const auto match = details::match_route(routes(), request);
    if (!match.route) return match.refusal;
    const auto route = RouteId(*match.route);
    const auto now = clock_.now();
    if (route == RouteId::List) return list(request.query(), now);

    if (!request.query().empty()) {
        return error_response(400, "invalid_argument", "this route takes no query parameters",
                              "query");
    }
    const tickets::ConversationKey key{match.texts.at(0), match.texts.at(1)};
    if (!is_channel_name(key.channel)) return no_conversation();
    if (route == RouteId::Send) return send(request, key, token, now);

    auto view = service_.find(key, now);
    if (!view.ok()) return error_response(view.error());
    if (!view->has_value()) return no_conversation();
    return json_response(200, details::conversation_body(**view, now));
}

HttpResponse ConversationsApi::list(std::string_view query_text, tickets::time_point now) {
    auto query = parse_list_query(query_text);
    if (!query.ok()) return error_response(query.error());
    auto page = service_.list(*query, now);
    if (!page.ok()) return error_response(page.error());
    return json_response(200, details::conversations_body(*page, now));
}

HttpResponse ConversationsApi::send(const HttpRequest& request, const tickets::ConversationKey& key,
                                    const config::ApiToken& token, tickets::time_point now) {
    if (auto refusal = details::refuse_body(request, kMaxApiBodyBytes)) return *refusal;
    auto text = details::parse_comment(request.body);
    if (!text.ok()) return error_response(text.error());
    auto queued = service_.send_message(key, *text, "api:" + token.name, now);
    if (!queued.ok()) return send_refusal(queued.error());
    if (on_queued_) on_queued_();
    return json_response(202, details::queued_notification_body(*queued));
}

}  // namespace groupdesk::api
