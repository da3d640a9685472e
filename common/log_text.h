// Text from the network made safe for one log line: a crafted path or method must not be able to
// forge a line, hide behind control characters or break a UTF-8 log reader.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace groupdesk {

// `text` with printable ASCII and well-formed UTF-8 kept, a backslash doubled, and every other
// byte (controls, DEL, stray or overlong UTF-8) written as \xNN; cut after `max_bytes` of input
// with "..." appended.
std::string log_text(std::string_view text, std::size_t max_bytes = 256);

}  // namespace groupdesk
