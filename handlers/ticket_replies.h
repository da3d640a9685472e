// The assistant's words about tickets: confirmations, lists and refusals, in the language of the
// command (Chinese or English). Plain lines that read well as text and as the AI bot's markdown.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "handlers/command_parser.h"
#include "tickets/ticket.h"
#include "tickets/ticket_store.h"

namespace groupdesk::handlers::replies {

// "已创建工单 #12：打印机无法连接" and a line of its fields.
std::string created(const tickets::Ticket& ticket, Language language);
// After assign, comment, start, resolve, close or reopen: what happened, and the ticket's state.
std::string changed(const tickets::Ticket& ticket, CommandKind kind, Language language);
// The command asked for what is already so (assign to the current assignee).
std::string unchanged(const tickets::Ticket& ticket, CommandKind kind, Language language);
// A ticket's fields, its description and its latest comments.
std::string shown(const tickets::Ticket& ticket, const std::vector<tickets::TicketEvent>& events,
                  Language language);
// At most a page of tickets, newest first, with a count of the rest.
std::string listed(const tickets::TicketPage& page, ListScope scope, Language language);
// A refusal from the ticket service, in one line. `current` is the ticket's status when the
// refusal is a status move it does not allow.
std::string refused(const Error& error, const Command& command,
                    const tickets::TicketStatus* current, Language language);
std::string did_you_mean(std::string_view suggestion, Language language);

}  // namespace groupdesk::handlers::replies
