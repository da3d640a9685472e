// Notifications: the outbox rows that announce a ticket's change where the ticket came from,
// written in the change's own transaction and delivered later by the outbox worker.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tickets/ticket.h"

namespace groupdesk::tickets {

// How a notification reaches its conversation (wecom-protocol.md §7, §10.4, §11).
enum class Route {
    Webhook,        // the group robot webhook configured for an AI-bot group chat
    ResponseUrl,    // the latest unused response_url (< 1 h) of the AI-bot chat
    AppMessage,     // WeCom app message/send to the user
    CustomMessage,  // Official Account message/custom/send to the user
    AiBotSendMsg,   // aibot_send_msg on the AI bot's long connection, into a chat that wrote to it
    None,           // nothing reaches this conversation: the row ends undeliverable
    // Official Account message/template/send: what a ticket notification becomes when the
    // user's reply window is closed and the channel has a template_fallback (§14.2).
    TemplateMessage,
};

enum class DeliveryState {
    Pending,        // waiting for its turn, its rate limit or its next attempt
    Sent,           // the platform took it
    Failed,         // a permanent platform error, or retried for too long
    Undeliverable,  // no route reaches the conversation
    // An Official Account user's 48-hour reply window (reply_window.h) stopped it: the window
    // had closed, or its quota of messages was used. Ours or the platform's (45015 / 45047).
    WindowClosed,
    QuotaExhausted,
};

// Why a row exists.
enum class NotificationKind {
    Ticket,   // a ticket's change announced in its conversation
    Alert,    // agents told that a customer's reply window is about to close, or closed
    Message,  // an agent's own message to a customer (REST)
    Nudge,    // the customer asked to write again before the window closes (optional)
};

// Lower-case words: "webhook", "response_url", "app_message", "custom_message",
// "aibot_send_msg", "none", "template_message";
// "pending", "sent", "failed", "undeliverable", "window_closed", "quota_exhausted";
// "ticket", "alert", "message", "nudge".
std::string_view to_string(Route route) noexcept;
std::string_view to_string(DeliveryState state) noexcept;
std::string_view to_string(NotificationKind kind) noexcept;
std::optional<Route> parse_route(std::string_view word) noexcept;
std::optional<DeliveryState> parse_delivery_state(std::string_view word) noexcept;
std::optional<NotificationKind> parse_notification_kind(std::string_view word) noexcept;

struct Notification {
    std::int64_t id = 0;      // assigned by the store; also the idempotency key of the delivery
    std::int64_t ticket = 0;  // filled by the store from the change; 0: not about one ticket
    NotificationKind kind = NotificationKind::Ticket;
    Route route = Route::None;
    // The config channel whose credentials deliver it. Empty for an alert to the agents' webhook
    // (reply_window.alerts_to.webhook_key).
    std::string channel;
    // The conversation: an AI-bot chat id, or a user id / openid. Never a secret: webhook keys
    // come from the config and response_urls from their store, at delivery time.
    std::string target;
    // Rows with one order key are delivered one at a time, in id order: "<channel>/<target>".
    std::string order_key;
    bool markdown = false;              // markdown where the route takes it, text elsewhere
    std::string text;                   // what is said, already within the route's size limit
    std::vector<std::string> mentions;  // user ids to @-mention
    DeliveryState state = DeliveryState::Pending;
    int attempts = 0;  // platform calls made (waits for a rate limit are not attempts)
    time_point created_at{};
    time_point next_attempt_at{};
    std::optional<time_point> sent_at;
    // The last failure: the platform's errcode and errmsg, or the HTTP/network reason; or why
    // nothing reaches the conversation. errcode 0 when there was none.
    int last_errcode = 0;
    std::string last_error;
};

}  // namespace groupdesk::tickets
