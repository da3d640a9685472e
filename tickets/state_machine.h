// The ticket state machine: which status a command leads to from which status. Pure.
#pragma once

#include "common/result.h"
#include "tickets/ticket.h"

namespace groupdesk::tickets {

enum class Transition { Start, Resolve, Close, Reopen };
std::string_view to_string(Transition transition) noexcept;
EventAction event_action(Transition transition) noexcept;

// open → in_progress (start); open | in_progress → resolved (resolve); resolved → closed (close);
// resolved | closed → open (reopen). Anything else is FailedPrecondition naming from and to, e.g.
// "cannot close a ticket that is open (open → closed is not allowed)".
[[nodiscard]] Result<TicketStatus> next_status(TicketStatus from, Transition transition);

}  // namespace groupdesk::tickets
