// CommandHandler: the ticket commands people write to the assistant ("@assistant 工单 打印机无法
// 连接", "解决 #12"), parsed, checked and carried out through the TicketService, and confirmed
// by the passive reply — for a create or a show on a ticket_cards channel, a ticket card
// (ticket_card.h) whose clicks CardClickHandler answers. A message that is no command passes on
// to the next handlers.
#pragma once

#include "handlers/handler.h"
#include "handlers/roles.h"
#include "tickets/ticket_service.h"

namespace groupdesk::handlers {

struct Command;

// Exactly once: a change is an effect keyed by the callback's source key (handler.h). A retry
// whose first delivery made the change durable — also when the process died before the dedup
// record did — finds the recorded reply and answers it again, changing nothing.
class CommandHandler final : public Handler {
public:
    CommandHandler(tickets::TicketService& service, const Roles& roles)
        : service_(service), roles_(roles) {}

    std::string_view name() const override { return "commands"; }
    Outcome handle(const wecom::InboundMessage& msg, Context& ctx) override;

private:
    Outcome execute(const Command& command, const wecom::InboundMessage& msg, Context& ctx);
    // Replies with `text` once `change` is durable (nothing to store when it changes nothing).
    Outcome commit(tickets::TicketChange change, std::string text, Context& ctx);
    // A refusal in the command's words, or a retry when the store failed.
    Outcome refuse(const Error& error, const Command& command, const tickets::Actor& actor,
                   const tickets::Conversation& where);

    tickets::TicketService& service_;
    const Roles& roles_;
};

}  // namespace groupdesk::handlers
