// CardClickHandler: a click on a ticket card's button (an AI bot template_card_event) moves the
// ticket, and the answer replaces the card — for the whole group when the move was made, for the
// clicker alone when it was refused. Other messages pass on.
#pragma once

#include "handlers/handler.h"
#include "handlers/roles.h"
#include "tickets/ticket_service.h"

namespace groupdesk::handlers {

struct CardAction;

// Its own handler rather than part of CommandHandler: a click is an event with a key, not text
// to parse, and its answer is always a card update; only the commit rules are shared
// (ticket_commit.h). Exactly once like every command: the click's msgid is its dedup key, and the
// change is keyed by ctx.source_key, so a retried click finds the recorded card.
class CardClickHandler final : public Handler {
public:
    CardClickHandler(tickets::TicketService& service, const Roles& roles)
        : service_(service), roles_(roles) {}

    std::string_view name() const override { return "card_clicks"; }
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;

private:
    // The card as it is, with `reason` on it, for the clicker only.
    Outcome refuse(const CardAction& action, const std::string& reason,
                   const wecom::InboundMessage& msg, const tickets::Actor& actor,
                   const tickets::Conversation& where, const std::string& task_id);

    tickets::TicketService& service_;
    const Roles& roles_;
};

}  // namespace groupdesk::handlers
