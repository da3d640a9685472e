// The allowed status moves, as a table.
#include "tickets/state_machine.h"

#include <string>

namespace groupdesk::tickets {
namespace {

TicketStatus target_of(Transition transition) noexcept {
    switch (transition) {
        case Transition::Start:
            return TicketStatus::InProgress;
        case Transition::Resolve:
            return TicketStatus::Resolved;
        case Transition::Close:
            return TicketStatus::Closed;
        case Transition::Reopen:
            return TicketStatus::Open;
    }
    return TicketStatus::Open;
}

bool allowed(TicketStatus from, Transition transition) noexcept {
    switch (transition) {
        case Transition::Start:
            return from == TicketStatus::Open;
        case Transition::Resolve:
            return from == TicketStatus::Open || from == TicketStatus::InProgress;
        case Transition::Close:
            return from == TicketStatus::Resolved;
        case Transition::Reopen:
            return from == TicketStatus::Resolved || from == TicketStatus::Closed;
    }
    return false;
}

}  // namespace

std::string_view to_string(Transition transition) noexcept {
    switch (transition) {
        case Transition::Start:
            return "start";
        case Transition::Resolve:
            return "resolve";
        case Transition::Close:
            return "close";
        case Transition::Reopen:
            return "reopen";
    }
    return "unknown";
}

EventAction event_action(Transition transition) noexcept {
    switch (transition) {
        case Transition::Start:
            return EventAction::Start;
        case Transition::Resolve:
            return EventAction::Resolve;
        case Transition::Close:
            return EventAction::Close;
        case Transition::Reopen:
            return EventAction::Reopen;
    }
    return EventAction::Edit;
}

Result<TicketStatus> next_status(TicketStatus from, Transition transition) {
    const TicketStatus to = target_of(transition);
    if (allowed(from, transition)) return to;
    const std::string move = std::string(to_string(from)) + " → " + std::string(to_string(to));
    Error error = make_error(ErrorCode::FailedPrecondition,
                             "cannot " + std::string(to_string(transition)) + " a ticket that is " +
                                 std::string(to_string(from)) + " (" + move + " is not allowed)");
    error.public_reason = error.message;
    return error;
}

}  // namespace groupdesk::tickets
