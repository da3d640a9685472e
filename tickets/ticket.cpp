// The model's words and the character counting its limits use.
#include "tickets/ticket.h"

#include <array>
#include <utility>

namespace groupdesk::tickets {
namespace {

template <class Enum, std::size_t N>
using Names = std::array<std::pair<Enum, std::string_view>, N>;

constexpr Names<TicketStatus, 4> kStatusNames{{{TicketStatus::Open, "open"},
                                               {TicketStatus::InProgress, "in_progress"},
                                               {TicketStatus::Resolved, "resolved"},
                                               {TicketStatus::Closed, "closed"}}};
constexpr Names<Priority, 4> kPriorityNames{{{Priority::Low, "low"},
                                             {Priority::Normal, "normal"},
                                             {Priority::High, "high"},
                                             {Priority::Urgent, "urgent"}}};
constexpr Names<ActorRole, 4> kRoleNames{{{ActorRole::Customer, "customer"},
                                          {ActorRole::Agent, "agent"},
                                          {ActorRole::Admin, "admin"},
                                          {ActorRole::System, "system"}}};
constexpr Names<GroupKind, 2> kGroupKindNames{
    {{GroupKind::Chat, "chat"}, {GroupKind::User, "user"}}};
constexpr Names<EventAction, 8> kActionNames{{{EventAction::Create, "create"},
                                              {EventAction::Start, "start"},
                                              {EventAction::Resolve, "resolve"},
                                              {EventAction::Close, "close"},
                                              {EventAction::Reopen, "reopen"},
                                              {EventAction::Assign, "assign"},
                                              {EventAction::Edit, "edit"},
                                              {EventAction::Comment, "comment"}}};

template <class Enum, std::size_t N>
std::string_view name_of(const Names<Enum, N>& names, Enum value) noexcept {
    for (const auto& [v, name] : names) {
        if (v == value) return name;
    }
    return "unknown";
}

template <class Enum, std::size_t N>
std::optional<Enum> parse(const Names<Enum, N>& names, std::string_view word) noexcept {
    for (const auto& [v, name] : names) {
        if (name == word) return v;
    }
    return std::nullopt;
}

// Length of the UTF-8 sequence a lead byte starts; 1 for a byte that cannot lead one.
std::size_t sequence_length(unsigned char lead) noexcept {
    if (lead < 0x80) return 1;
    if ((lead & 0xE0) == 0xC0) return 2;
    if ((lead & 0xF0) == 0xE0) return 3;
    if ((lead & 0xF8) == 0xF0) return 4;
    return 1;
}

// Bytes of the code point at `i`: its sequence length when the continuation bytes are there,
// else 1 (a malformed byte counts as one character of its own).
std::size_t char_bytes(std::string_view text, std::size_t i) noexcept {
    const std::size_t n = sequence_length(static_cast<unsigned char>(text[i]));
    if (i + n > text.size()) return 1;
    for (std::size_t k = 1; k < n; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
    }
    return n;
}

}  // namespace

std::string_view to_string(TicketStatus status) noexcept { return name_of(kStatusNames, status); }
std::string_view to_string(Priority priority) noexcept { return name_of(kPriorityNames, priority); }
std::string_view to_string(ActorRole role) noexcept { return name_of(kRoleNames, role); }
std::string_view to_string(GroupKind kind) noexcept { return name_of(kGroupKindNames, kind); }
std::string_view to_string(EventAction action) noexcept { return name_of(kActionNames, action); }

std::optional<TicketStatus> parse_status(std::string_view word) noexcept {
    return parse(kStatusNames, word);
}
std::optional<Priority> parse_priority(std::string_view word) noexcept {
    return parse(kPriorityNames, word);
}
std::optional<ActorRole> parse_actor_role(std::string_view word) noexcept {
    return parse(kRoleNames, word);
}
std::optional<GroupKind> parse_group_kind(std::string_view word) noexcept {
    return parse(kGroupKindNames, word);
}
std::optional<EventAction> parse_event_action(std::string_view word) noexcept {
    return parse(kActionNames, word);
}

std::size_t count_chars(std::string_view text) noexcept {
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); i += char_bytes(text, i)) ++count;
    return count;
}

std::string_view prefix_chars(std::string_view text, std::size_t max_chars) noexcept {
    std::size_t i = 0;
    for (std::size_t count = 0; i < text.size() && count < max_chars; ++count) {
        i += char_bytes(text, i);
    }
    return text.substr(0, i);
}

}  // namespace groupdesk::tickets
