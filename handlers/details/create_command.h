// The create command's grammar: a title line, field lines ("分类：…", "priority: …") inline or
// below it, and free lines that make up the description.
#pragma once

#include <optional>
#include <string_view>

#include "handlers/command_parser.h"

namespace groupdesk::handlers::details {

// `rest`: the text after the command word (and its colon), leading separators removed.
ParsedCommand parse_create(Language language, std::string_view rest,
                           std::optional<std::string_view> quoted);

}  // namespace groupdesk::handlers::details
