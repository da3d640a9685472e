// The words of routes and delivery states, as stored and shown over REST.
#include "tickets/notification.h"

#include <array>
#include <utility>

namespace groupdesk::tickets {
namespace {

constexpr std::array<std::pair<Route, std::string_view>, 7> kRoutes{{
    {Route::Webhook, "webhook"},
    {Route::ResponseUrl, "response_url"},
    {Route::AppMessage, "app_message"},
    {Route::CustomMessage, "custom_message"},
    {Route::AiBotSendMsg, "aibot_send_msg"},
    {Route::None, "none"},
    {Route::TemplateMessage, "template_message"},
}};
constexpr std::array<std::pair<DeliveryState, std::string_view>, 6> kStates{{
    {DeliveryState::Pending, "pending"},
    {DeliveryState::Sent, "sent"},
    {DeliveryState::Failed, "failed"},
    {DeliveryState::Undeliverable, "undeliverable"},
    {DeliveryState::WindowClosed, "window_closed"},
    {DeliveryState::QuotaExhausted, "quota_exhausted"},
}};
constexpr std::array<std::pair<NotificationKind, std::string_view>, 4> kKinds{{
    {NotificationKind::Ticket, "ticket"},
    {NotificationKind::Alert, "alert"},
    {NotificationKind::Message, "message"},
    {NotificationKind::Nudge, "nudge"},
}};

template <class Table, class Enum>
std::string_view word_of(const Table& table, Enum value) noexcept {
    for (const auto& [v, word] : table) {
        if (v == value) return word;
    }
    return "unknown";
}

template <class Enum, class Table>
std::optional<Enum> value_of(const Table& table, std::string_view word) noexcept {
    for (const auto& [v, w] : table) {
        if (w == word) return v;
    }
    return std::nullopt;
}

}  // namespace

std::string_view to_string(Route route) noexcept { return word_of(kRoutes, route); }
std::string_view to_string(DeliveryState state) noexcept { return word_of(kStates, state); }
std::string_view to_string(NotificationKind kind) noexcept { return word_of(kKinds, kind); }
std::optional<Route> parse_route(std::string_view word) noexcept {
    return value_of<Route>(kRoutes, word);
}
std::optional<DeliveryState> parse_delivery_state(std::string_view word) noexcept {
    return value_of<DeliveryState>(kStates, word);
}
std::optional<NotificationKind> parse_notification_kind(std::string_view word) noexcept {
    return value_of<NotificationKind>(kKinds, word);
}

}  // namespace groupdesk::tickets
