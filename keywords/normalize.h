// How a message and a keyword are made comparable: trimmed, ASCII letters folded to lower case,
// full-width ASCII (Ａ１！) and the ideographic space made half-width, runs of white space made
// one space. Multi-byte characters stay whole; invalid UTF-8 is kept byte for byte.
#pragma once

#include <string>
#include <string_view>

namespace groupdesk::keywords {

std::string normalize(std::string_view text);

}  // namespace groupdesk::keywords
