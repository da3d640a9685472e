// What the command handler and the card click handler share: the conversation a message was
// written in, and a ticket change made durable with its answer recorded, exactly once.
#pragma once

#include <optional>
#include <string>

#include "handlers/addressed.h"
#include "handlers/command_parser.h"
#include "handlers/handler.h"
#include "tickets/ticket_service.h"

namespace groupdesk::handlers {

// An AI-bot group chat (in_group) is the ticket's group; any other conversation is its user.
tickets::Conversation conversation_of(const wecom::InboundMessage& msg,
                                      const config::Channel& channel);

// Answers `answer` once `change` is durable, recording the answer with the change under
// ctx.source_key so that a retry finds it (and changes nothing).
Outcome commit_change(tickets::TicketService& service, tickets::TicketChange change, Outcome answer,
                      Context& ctx);

// A store failure or a lost race: the platform should retry the callback, not be told "no".
bool is_transient(const Error& error);

// A refusal of `command` by the ticket service, in the command's words; reads the ticket's
// status again when the refusal is a status move it does not allow.
std::string refusal_text(tickets::TicketService& service, const Error& error,
                         const Command& command, const tickets::Actor& actor,
                         const tickets::Conversation& where);

// The answer recorded for ctx.source_key's change, when there is one; nullopt for a first
// delivery; RetryLater when the store cannot tell.
std::optional<Outcome> recorded_answer(tickets::TicketService& service, const Context& ctx);

}  // namespace groupdesk::handlers
