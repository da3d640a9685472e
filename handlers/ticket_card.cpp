// Ticket cards: a ticket's fields and next moves as a button_interaction card, and the key format
// of its buttons.
#include "handlers/ticket_card.h"

#include <array>
#include <charconv>
#include <cstdio>
#include <utility>
#include <vector>

#include "tickets/words.h"

namespace groupdesk::handlers {
namespace {

using tickets::TicketStatus;

constexpr std::string_view kKeyPrefix = "gd-ticket:";
// The platform's advice, in characters: a longer text is cut rather than left to the client.
constexpr std::size_t kMaxDescChars = 30;
constexpr std::size_t kMaxValueChars = 26;

struct Move {
    CommandKind kind;
    std::string_view word;   // in the key
    std::string_view label;  // on the button
    int style;               // the platform's colours: 1 for the move that goes forward
};
constexpr std::array<Move, 4> kMoves{{
    {CommandKind::Start, "start", "接单", 1},
    {CommandKind::Resolve, "resolve", "解决", 1},
    {CommandKind::Close, "close", "关闭", 2},
    {CommandKind::Reopen, "reopen", "重开", 2},
}};

const Move* move_of(CommandKind kind) {
    for (const auto& move : kMoves) {
        if (move.kind == kind) return &move;
    }
    return nullptr;
}

// The buttons each status shows. Close is offered on an open ticket too, as people expect; the
// state machine refuses it and the clicker alone is told why.
std::vector<CommandKind> moves_from(TicketStatus status) {
    switch (status) {
        case TicketStatus::Open:
            return {CommandKind::Start, CommandKind::Resolve, CommandKind::Close};
        case TicketStatus::InProgress:
            return {CommandKind::Resolve, CommandKind::Close};
        case TicketStatus::Resolved:
            return {CommandKind::Close, CommandKind::Reopen};
        case TicketStatus::Closed:
            return {CommandKind::Reopen};
    }
    return {};
}

std::string cut(std::string_view text, std::size_t max_chars) {
    if (tickets::count_chars(text) <= max_chars) return std::string(text);
    return std::string(tickets::prefix_chars(text, max_chars - 1)) + "…";
}

// FNV-1a: a stable spread of the key over 64 bits; uniqueness, not secrecy, is what it is for.
std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ULL;
    }
    return hash;
}

}  // namespace

bool shows_ticket_cards(const config::Channel& channel) {
    return channel.kind == config::ChannelKind::AiBot && channel.ticket_cards;
}

wecom::TemplateCard ticket_card(const tickets::Ticket& ticket, CardMoment moment,
                                std::string task_id) {
    wecom::TemplateCard card;
    card.task_id = std::move(task_id);
    const std::string ref = tickets::ticket_ref(ticket.number);
    card.main_title.title =
        moment == CardMoment::Created ? "工单 " + ref + " 已创建" : "工单 " + ref;
    card.main_title.desc = cut(ticket.title, kMaxDescChars);
    auto field = [&card](std::string keyname, std::string_view value) {
        card.horizontal_content_list.push_back(
            wecom::CardField{std::move(keyname), cut(value, kMaxValueChars)});
    };
    field("状态", tickets::status_word(ticket.status, true));
    field("优先级", tickets::priority_word(ticket.priority, true));
    field("分类", ticket.category.empty() ? "无" : ticket.category);
    field("负责人", ticket.assignee.empty() ? "未指派" : ticket.assignee);
    field("报告人", ticket.reporter);
    for (CommandKind kind : moves_from(ticket.status)) {
        const Move& move = *move_of(kind);
        card.button_list.push_back(wecom::CardButton{std::string(move.label), move.style,
                                                     button_key({ticket.number, kind})});
    }
    return card;
}

std::string card_task_id(std::int64_t ticket, std::string_view source_key) {
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(fnv1a(source_key)));
    return "gd-ticket-" + std::to_string(ticket) + "-" + hash;
}

std::string button_key(const CardAction& action) {
    const Move* move = move_of(action.kind);
    return std::string(kKeyPrefix) + std::to_string(action.ticket) + ":" +
           std::string(move != nullptr ? move->word : "");
}

std::optional<CardAction> parse_button_key(std::string_view key) {
    if (!key.starts_with(kKeyPrefix)) return std::nullopt;
    key.remove_prefix(kKeyPrefix.size());
    const auto colon = key.find(':');
    if (colon == std::string_view::npos || colon == 0) return std::nullopt;
    const std::string_view digits = key.substr(0, colon);
    if (digits.front() == '0') return std::nullopt;  // one spelling per number
    std::int64_t number = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
    if (error != std::errc() || end != digits.data() + digits.size() || number <= 0) {
        return std::nullopt;
    }
    const std::string_view word = key.substr(colon + 1);
    for (const auto& move : kMoves) {
        if (move.word == word) return CardAction{number, move.kind};
    }
    return std::nullopt;
}

}  // namespace groupdesk::handlers
