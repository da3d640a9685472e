// Mentions: group messages to the AI bot start with "@name" and a separator, which commands and
// keywords must not see.
#pragma once

#include <string_view>

namespace groupdesk::handlers {

// The text after a leading "@name" (ASCII '@' or full-width '＠') and the separators that follow
// it: U+2005 (what WeChat clients put after a mention), space, U+3000, newline. Text that does not
// start with a mention comes back with only its leading separators removed.
std::string_view strip_leading_mention(std::string_view text);

// `text` without separators (as above) at either end.
std::string_view trim_separators(std::string_view text);

}  // namespace groupdesk::handlers
