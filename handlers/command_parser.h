// The ticket commands people type to the assistant, parsed from text into a typed command. Pure:
// no I/O, no store; what the command does is up to the caller.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "tickets/ticket.h"

namespace groupdesk::handlers {

enum class CommandKind { Create, Show, List, Assign, Comment, Start, Resolve, Close, Reopen };
// The language of the command word; the reply speaks it.
enum class Language { Zh, En };
enum class ListScope { Open, Mine, All };

struct Command {
    CommandKind kind = CommandKind::Show;
    Language language = Language::Zh;
    std::int64_t number = 0;  // the ticket, for every kind but Create and List
    // Create.
    std::string title;  // ≤ tickets::kMaxTitleChars code points
    std::string description;
    std::string category;                       // ≤ tickets::kMaxCategoryChars; empty when none
    std::optional<tickets::Priority> priority;  // nullopt when not given
    std::string assignee;               // Create (optional) and Assign (required); without the '@'
    std::string note;                   // Comment (required); Resolve, Close, Reopen (optional)
    ListScope scope = ListScope::Open;  // List
};

// Not a ticket command: the message goes on to the next handlers.
struct NotACommand {};
// A ticket command that cannot be carried out as written; `reason` is one line for the user.
struct CommandError {
    Language language;
    std::string reason;
};
// A first word that looks like a misspelt command; `suggestion` is the corrected command, e.g.
// "解决 #12", shortened with "…" when long.
struct DidYouMean {
    Language language;
    std::string suggestion;
};

using ParsedCommand = std::variant<NotACommand, Command, CommandError, DidYouMean>;

// The status a status command leads to (start: in_progress, resolve: resolved, close: closed,
// reopen: open); nullopt for the other commands.
std::optional<tickets::TicketStatus> target_status(CommandKind kind) noexcept;

// `text`: the message with the assistant's mention already removed. `quoted`: the text of the
// message it quotes, if any; a create command takes its description (and, lacking a title, its
// title) from it.
ParsedCommand parse_command(std::string_view text,
                            std::optional<std::string_view> quoted = std::nullopt);

}  // namespace groupdesk::handlers
