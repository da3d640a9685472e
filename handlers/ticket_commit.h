// What the command handler and the card click handler share: the conversation a message was
// written in, and a ticket change made durable with its answer recorded, exactly once.
#pragma once

#include <optional>
#include <string>

#include "handlers/handler.h"
#include "tickets/ticket_service.h"

namespace groupdesk::handlers {

// An AI-bot group chat is the ticket's group; any other conversation is its user.
bool in_group(const wecom::InboundMessage& msg);
tickets::Conversation conversation_of(const wecom::InboundMessage& msg,
                                      const config::Channel& channel);

// Answers `answer` once `change` is durable, recording the answer with the change under
// ctx.source_key so that a retry finds it (and changes nothing).
Outcome commit_change(tickets::TicketService& service, tickets::TicketChange change, Outcome answer,
                      Context& ctx);

// The answer recorded for ctx.source_key's change, when there is one; nullopt for a first
// delivery; RetryLater when the store cannot tell.
std::optional<Outcome> recorded_answer(tickets::TicketService& service, const Context& ctx);

}  // namespace groupdesk::handlers
