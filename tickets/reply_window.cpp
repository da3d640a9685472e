// The reply window's rules: grants, resets, the alert schedule and the send check.
#include "tickets/reply_window.h"

#include <algorithm>
#include <array>
#include <utility>

namespace groupdesk::tickets {
namespace {

using std::chrono::seconds;

constexpr std::array<std::pair<WindowAction, std::string_view>, 5> kActions{{
    {WindowAction::Message, "message"},
    {WindowAction::MenuClick, "menu_click"},
    {WindowAction::Follow, "follow"},
    {WindowAction::Scan, "scan"},
    {WindowAction::Unfollow, "unfollow"},
}};

time_point whole_seconds(time_point t) { return std::chrono::floor<seconds>(t); }

// A lead time counts only when its moment falls inside the window (a 1-minute window opened by a
// menu click gets no "24 hours left" alert).
std::optional<time_point> stage_time(const TrackedConversation& row, seconds lead) {
    const time_point at = row.deadline - lead;
    if (at < row.window_opened_at) return std::nullopt;
    return at;
}

std::optional<time_point> nudge_time(const TrackedConversation& row,
                                     const WindowSchedule& schedule) {
    if (!schedule.nudge_before || row.nudged) return std::nullopt;
    return stage_time(row, *schedule.nudge_before);
}

}  // namespace

std::string_view to_string(WindowAction action) noexcept {
    for (const auto& [a, word] : kActions) {
        if (a == action) return word;
    }
    return "unknown";
}

std::optional<WindowAction> parse_window_action(std::string_view word) noexcept {
    for (const auto& [a, w] : kActions) {
        if (w == word) return a;
    }
    return std::nullopt;
}

WindowGrant grant_of(WindowAction action) noexcept {
    switch (action) {
        case WindowAction::Message:
            return {5, kMessageWindow};
        case WindowAction::MenuClick:
        case WindowAction::Follow:
        case WindowAction::Scan:
            return {3, std::chrono::minutes{1}};
        case WindowAction::Unfollow:
            return {};
    }
    return {};
}

bool apply_action(std::optional<TrackedConversation>& row, const ConversationKey& key,
                  WindowAction action, time_point at, std::string_view excerpt,
                  std::string_view source_key, const WindowSchedule& schedule) {
    at = whole_seconds(at);
    if (row && !source_key.empty() && row->last_source_key == source_key) return false;
    if (!row) {
        row.emplace();
        row->key = key;
        row->deadline = at;  // closed until the action below opens it
        row->window_opened_at = at;
        row->last_action_at = at;
    }
    TrackedConversation& c = *row;
    c.last_source_key = std::string(source_key);
    if (action == WindowAction::Message) {
        if (!c.last_message_at || *c.last_message_at <= at) {
            c.last_message_at = at;
            c.last_excerpt = std::string(prefix_chars(excerpt, kExcerptChars));
        }
    }
    const bool latest = at >= c.last_action_at;
    if (latest) c.last_action_at = at;

    if (action == WindowAction::Unfollow) {
        // The platform refuses every send to a user who left (45015): nothing more to alert.
        if (latest && c.deadline > at) c.deadline = at;
        c.quota_left = 0;
        c.alerts_done = schedule.lead_times.size();
        c.nudged = true;
        c.next_alert_at.reset();
        return true;
    }

    const WindowGrant grant = grant_of(action);
    const time_point ends = at + grant.validity;
    const bool was_open = c.deadline > at;
    if (ends > c.deadline) {
        c.deadline = ends;
        c.opened_by = action;
        c.window_opened_at = at;
        c.alerts_done = 0;
        c.nudged = false;
    }
    // Reset, never add (§15): the latest action sets the quota to its maximum, but a short grant
    // inside an open window does not take away what that window still allows.
    if (latest) c.quota_left = was_open ? std::max(c.quota_left, grant.messages) : grant.messages;
    c.next_alert_at = next_alert_time(c, schedule);
    return true;
}

void apply_answer(TrackedConversation& row, time_point at) {
    at = whole_seconds(at);
    if (!row.last_answer_at || *row.last_answer_at < at) row.last_answer_at = at;
}

std::optional<time_point> next_alert_time(const TrackedConversation& row,
                                          const WindowSchedule& schedule) {
    std::optional<time_point> next;
    for (std::size_t i = row.alerts_done; i < schedule.lead_times.size(); ++i) {
        if (auto at = stage_time(row, schedule.lead_times[i])) {
            next = at;
            break;  // longest first: the first counted stage is the earliest
        }
    }
    if (auto nudge = nudge_time(row, schedule)) {
        if (!next || *nudge < *next) next = nudge;
    }
    return next;
}

DueWork due_work(const TrackedConversation& row, time_point now, const WindowSchedule& schedule) {
    DueWork work;
    work.alerts_done = row.alerts_done;
    work.nudged = row.nudged;
    if (!row.open_at(now)) {
        // Closed: nothing to warn about. A refused send raises its own alert.
        work.alerts_done = schedule.lead_times.size();
        work.nudged = true;
        return work;
    }
    for (std::size_t i = row.alerts_done; i < schedule.lead_times.size(); ++i) {
        auto at = stage_time(row, schedule.lead_times[i]);
        if (!at) continue;
        if (*at > now) break;
        work.alert_stage = i;  // later stages are more urgent: the last due one wins
        work.alerts_done = i + 1;
    }
    if (auto nudge = nudge_time(row, schedule); nudge && *nudge <= now) {
        work.nudge = true;
        work.nudged = true;
    }
    TrackedConversation after = row;
    after.alerts_done = work.alerts_done;
    after.nudged = work.nudged;
    work.next_alert_at = next_alert_time(after, schedule);
    return work;
}

SendCheck check_send(const TrackedConversation& row, time_point now) noexcept {
    if (!row.open_at(now)) return SendCheck::WindowClosed;
    if (row.quota_left <= 0) return SendCheck::QuotaExhausted;
    return SendCheck::Allowed;
}

std::string span_words(std::chrono::seconds span) {
    if (span.count() < 0) span = -span;
    const long long total = span.count();
    const long long hours = total / 3600;
    const long long minutes = (total % 3600) / 60;
    if (hours > 0) {
        std::string out = std::to_string(hours) + "小时";
        if (minutes > 0) out += std::to_string(minutes) + "分";
        return out;
    }
    if (minutes > 0) return std::to_string(minutes) + "分";
    return std::to_string(total) + "秒";
}

}  // namespace groupdesk::tickets
