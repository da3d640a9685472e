// Mentions: group messages to the AI bot start with "@name" and a separator, which commands and
// keywords must not see.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace groupdesk::handlers {

// The text after a leading "@name" (ASCII '@' or full-width '＠') and the separators that follow
// it: U+2005 (what WeChat clients put after a mention), space, U+3000, newline. Text that does not
// start with a mention comes back with only its leading separators removed.
std::string_view strip_leading_mention(std::string_view text);

// `text` without separators (as above) at either end.
std::string_view trim_separators(std::string_view text);

// Length in bytes of the separator (as above) `text` starts with; 0 when none.
std::size_t separator_length(std::string_view text) noexcept;

// For group messages, which may mention several people before the text: the text after the run of
// leading mentions ("@a @b rest" → "rest"), provided the bot is among them. Names compare exactly,
// ASCII letters case-insensitively. With `bot_names` empty the first leading mention is taken to
// be the bot's (the platform only delivers messages that mention it). nullopt when no leading
// mention is the bot's: the message is not addressed to the bot at its front.
std::optional<std::string_view> strip_bot_mentions(std::string_view text,
                                                   std::span<const std::string> bot_names);

}  // namespace groupdesk::handlers
