// The ticket model: what a ticket is, the history of its changes, and the words both are written
// with in the store, the REST API and the logs.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace groupdesk::tickets {

using time_point = std::chrono::system_clock::time_point;

// open → in_progress → resolved → closed; state_machine.h has the allowed moves.
enum class TicketStatus { Open, InProgress, Resolved, Closed };
enum class Priority { Low, Normal, High, Urgent };
// Who made a change: the customer (anyone who is not an agent), an agent, an admin, or GroupDesk
// itself (timers, imports).
enum class ActorRole { Customer, Agent, Admin, System };
// What the ticket's group names: an AI-bot group chat id, or the user of a 1:1 conversation.
enum class GroupKind { Chat, User };

// Lower-case words: "open", "in_progress", "resolved", "closed"; "low", "normal", "high",
// "urgent"; "customer", "agent", "admin", "system"; "chat", "user".
std::string_view to_string(TicketStatus status) noexcept;
std::string_view to_string(Priority priority) noexcept;
std::string_view to_string(ActorRole role) noexcept;
std::string_view to_string(GroupKind kind) noexcept;
std::optional<TicketStatus> parse_status(std::string_view word) noexcept;
std::optional<Priority> parse_priority(std::string_view word) noexcept;
std::optional<ActorRole> parse_actor_role(std::string_view word) noexcept;
std::optional<GroupKind> parse_group_kind(std::string_view word) noexcept;

// Limits, in characters (Unicode code points): a title fits one line of a chat bubble; a longer
// first line is cut with "…" and kept whole in the description.
inline constexpr std::size_t kMaxTitleChars = 120;
inline constexpr std::size_t kMaxCategoryChars = 32;
// Bounds the stored text of one description or comment (bytes): a chat message is far shorter.
inline constexpr std::size_t kMaxTextBytes = std::size_t{16} * 1024;

struct Ticket {
    std::int64_t number = 0;  // #1, #2 … per deployment, never reused
    std::string title;
    std::string description;
    std::string category;  // free text, ≤ kMaxCategoryChars; empty when none
    Priority priority = Priority::Normal;
    TicketStatus status = TicketStatus::Open;
    std::string reporter;  // user id of who opened it (or the REST token's name)
    std::string assignee;  // as written by whoever assigned it; empty when nobody
    std::string channel;   // config channel name
    GroupKind group_kind = GroupKind::Chat;
    std::string group;  // chat id, or the user id of a 1:1 conversation
    std::string
        source_message_id;  // the platform's id of the message that created it; may be empty
    time_point created_at{};
    time_point updated_at{};
    // The first change by an agent or admin after creation (assign, comment, start, resolve,
    // close): the raw data for first-response times.
    std::optional<time_point> first_response_at;
    std::optional<time_point> resolved_at;  // the latest resolve; cleared by reopen
    std::optional<time_point> closed_at;    // the latest close; cleared by reopen
    // 1 when created, +1 for every change: a change decided on revision r applies only while the
    // stored ticket is still at r (optimistic concurrency, for every backend alike).
    std::int64_t revision = 0;
};

// What an event records. Status moves name their command; edits name the field.
enum class EventAction { Create, Start, Resolve, Close, Reopen, Assign, Edit, Comment };
std::string_view to_string(EventAction action) noexcept;
std::optional<EventAction> parse_event_action(std::string_view word) noexcept;

// One row of a ticket's history. Every change writes at least one; comments are events too.
struct TicketEvent {
    std::int64_t id = 0;  // assigned by the store, increasing in the order events were stored
    std::int64_t ticket = 0;
    time_point at{};
    std::string actor;  // user id or REST token name
    ActorRole actor_role = ActorRole::Customer;
    EventAction action = EventAction::Create;
    std::string field;  // "status", "assignee", "priority", "category", "title"; empty for comments
    std::string from;
    std::string to;
    std::string note;  // a comment's text, or the note given with resolve/close/reopen
};

// How many Unicode code points `text` holds (malformed bytes count one each).
std::size_t count_chars(std::string_view text) noexcept;
// The longest prefix of `text` with at most `max_chars` code points, never cut inside one.
std::string_view prefix_chars(std::string_view text, std::size_t max_chars) noexcept;

}  // namespace groupdesk::tickets
