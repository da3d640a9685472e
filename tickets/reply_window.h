// The 48-hour reply window of an Official Account conversation (wecom-protocol.md §7, §15): what a
// user's action grants, what we may still send, and when agents are told before it closes. Pure
// functions over one conversation's record; the store keeps it, the service and worker act on it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tickets/ticket.h"

namespace groupdesk::tickets {

// A user's action that opens (or renews) a window, as the platform counts it. Unfollow closes it.
enum class WindowAction { Message, MenuClick, Follow, Scan, Unfollow };

// "message", "menu_click", "follow", "scan", "unfollow".
std::string_view to_string(WindowAction action) noexcept;
std::optional<WindowAction> parse_window_action(std::string_view word) noexcept;

// What an action allows: a message 5 customer-service messages within 48 hours; a menu click
// (click/scancode types), a follow or a QR scan 3 within 1 minute. Unfollow: nothing.
struct WindowGrant {
    int messages = 0;
    std::chrono::seconds validity{0};
};
WindowGrant grant_of(WindowAction action) noexcept;

// The longest window any action opens: an alert lead time must be shorter.
inline constexpr std::chrono::hours kMessageWindow{48};
// An excerpt of the user's last message, in characters, for alerts and the API.
inline constexpr std::size_t kExcerptChars = 60;

struct ConversationKey {
    std::string channel;  // the config channel (an Official Account; later a 微信客服 one)
    std::string user;     // the user's openid (external_userid for 微信客服)
    bool operator==(const ConversationKey&) const = default;
};

// One tracked conversation. Times are kept to the second.
struct TrackedConversation {
    ConversationKey key;
    // The action that set the current deadline, and its time (the callback's CreateTime, never
    // later than our clock). Alerts belong to that window: a new deadline starts them again.
    WindowAction opened_by = WindowAction::Message;
    time_point window_opened_at{};
    time_point last_action_at{};  // the latest qualifying action, whatever it granted
    time_point deadline{};        // sends are allowed before this
    int quota_left = 0;           // customer-service messages still allowed before the deadline
    std::optional<time_point> last_message_at;  // the user's latest message (events excluded)
    std::optional<time_point> last_answer_at;   // our latest answer: a passive reply or a send
    std::string last_excerpt;                   // of the user's latest message
    std::size_t alerts_done = 0;  // lead times of this window handled (sent or not needed)
    bool nudged = false;          // the nudge of this window went out (or was not needed)
    // When the worker looks at this conversation next (an alert or the nudge); stored and
    // indexed. nullopt: nothing more in this window.
    std::optional<time_point> next_alert_at;
    // The callback that made the latest action: a platform retry of it changes nothing.
    std::string last_source_key;

    bool open_at(time_point now) const { return now < deadline; }
    // The user's latest message is newer than our latest answer.
    bool waiting() const {
        return last_message_at && (!last_answer_at || *last_answer_at < *last_message_at);
    }
};

// The alert schedule (config reply_window): lead times before the deadline, longest first.
struct WindowSchedule {
    std::vector<std::chrono::seconds> lead_times;
    std::optional<std::chrono::seconds> nudge_before;  // nullopt: no nudge
};

// A user's action at `at`, already clamped to our clock. Returns false when it changes nothing
// (a retry of the callback that made the latest action). The rules (§15):
// - the action's grant resets the quota to its maximum, unless the window open at `at` leaves
//   more; the deadline becomes `at` + validity, unless the open window ends later (a menu click
//   never shortens a 48-hour window);
// - an action older than the latest one only extends the deadline (it was already counted);
// - a new deadline starts the window's alerts and nudge again;
// - Unfollow closes the window (deadline = at) and ends its alerts.
bool apply_action(std::optional<TrackedConversation>& row, const ConversationKey& key,
                  WindowAction action, time_point at, std::string_view excerpt,
                  std::string_view source_key, const WindowSchedule& schedule);

// We answered at `at` (a passive reply or a delivered send): the user is no longer waiting.
void apply_answer(TrackedConversation& row, time_point at);

// When the worker should next look at `row`: the earliest lead time not yet handled and the
// nudge, each only if it falls inside the window (a 1-minute window gets no 24-hour alert).
std::optional<time_point> next_alert_time(const TrackedConversation& row,
                                          const WindowSchedule& schedule);

// What is due at `now`. Several lead times already past (a late callback, a restart) collapse
// into one alert: the most urgent. A window already closed gets none.
struct DueWork {
    std::optional<std::size_t> alert_stage;  // index into lead_times of the alert to send
    bool nudge = false;
    // The row's fields once this is done (whether or not anything is sent).
    std::size_t alerts_done = 0;
    bool nudged = false;
    std::optional<time_point> next_alert_at;
};
DueWork due_work(const TrackedConversation& row, time_point now, const WindowSchedule& schedule);

// Whether a customer-service message may go now.
enum class SendCheck { Allowed, WindowClosed, QuotaExhausted };
SendCheck check_send(const TrackedConversation& row, time_point now) noexcept;

// "2小时5分", "45分", "30秒": a span as agents read it in an alert.
std::string span_words(std::chrono::seconds span);

}  // namespace groupdesk::tickets
