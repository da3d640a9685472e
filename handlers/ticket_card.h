// Ticket cards for the AI bot: a ticket as a button_interaction card whose buttons are the
// status moves its status allows, and the button keys that name a ticket and a move.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"
#include "handlers/command_parser.h"
#include "tickets/ticket.h"
#include "wecom/message.h"

namespace groupdesk::handlers {

// The channel answers create and show with a card (config.h Channel::ticket_cards).
bool shows_ticket_cards(const config::Channel& channel);

enum class CardMoment {
    Created,  // "工单 #12 已创建"
    Shown,    // "工单 #12"
};

// The card for `ticket`: its title, its fields (状态, 优先级, 分类, 负责人, 报告人) and one button
// per status move allowed from its status. `task_id` must be unique per card sent.
wecom::TemplateCard ticket_card(const tickets::Ticket& ticket, CardMoment moment,
                                std::string task_id);

// A task_id unique per card sent and the same for every delivery of one callback, so that a
// replayed answer is the card first sent: derived from the callback's dedup key.
std::string card_task_id(std::int64_t ticket, std::string_view source_key);

// What a button does to its ticket.
struct CardAction {
    std::int64_t ticket = 0;
    CommandKind kind = CommandKind::Start;  // Start, Resolve, Close or Reopen
};

// "gd-ticket:12:resolve". Keys are unique within a card, since each move shows at most once.
std::string button_key(const CardAction& action);
// The action a key names; nullopt for any key GroupDesk did not make.
std::optional<CardAction> parse_button_key(std::string_view key);

}  // namespace groupdesk::handlers
