// JSON views of reply-window conversations.
#include "api/details/conversation_json.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "api/details/json_views.h"

namespace groupdesk::api::details {
namespace {

using Json = nlohmann::json;

// An excerpt is user text: a dump must never throw on bytes that slipped by.
std::string dump(const Json& json) {
    return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Json time_or_null(const std::optional<tickets::time_point>& t) {
    return t ? Json(rfc3339(*t)) : Json(nullptr);
}

Json conversation_json(const tickets::ConversationView& view, tickets::time_point now) {
    const tickets::TrackedConversation& c = view.conversation;
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(c.deadline - now);
    return Json{{"channel", c.key.channel},
                {"user", c.key.user},
                {"opened_by", tickets::to_string(c.opened_by)},
                {"window_opened_at", rfc3339(c.window_opened_at)},
                {"deadline", rfc3339(c.deadline)},
                {"open", c.open_at(now)},
                {"seconds_left", std::max<std::int64_t>(0, left.count())},
                {"quota_left", c.quota_left},
                {"waiting", c.waiting()},
                {"at_risk", view.at_risk},
                {"last_message_at", time_or_null(c.last_message_at)},
                {"last_answer_at", time_or_null(c.last_answer_at)},
                {"last_excerpt", c.last_excerpt},
                {"open_tickets", view.open_tickets},
                {"next_alert_at", time_or_null(c.next_alert_at)},
                {"alerts_sent", c.alerts_done}};
}

}  // namespace

std::string conversation_body(const tickets::ConversationView& view, tickets::time_point now) {
    return dump(conversation_json(view, now));
}

std::string conversations_body(const tickets::ConversationPage& page, tickets::time_point now) {
    Json json{{"conversations", Json::array()}};
    for (const auto& view : page.conversations) {
        json["conversations"].push_back(conversation_json(view, now));
    }
    if (page.next_after) json["next_after"] = *page.next_after;
    return dump(json);
}

}  // namespace groupdesk::api::details
