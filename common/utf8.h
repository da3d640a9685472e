// UTF-8 helpers: cutting text to a byte limit without splitting a character (a split character
// is shown as garbage, or makes the platform reject the message).
#pragma once

#include <cstddef>
#include <string_view>

namespace groupdesk {

// The longest prefix of `text` that is at most `max_bytes` long and does not end inside a
// UTF-8 sequence. Input that is not UTF-8 is cut at most 3 bytes before the limit.
inline std::string_view utf8_truncate(std::string_view text, std::size_t max_bytes) noexcept {
    if (text.size() <= max_bytes) return text;
    std::size_t cut = max_bytes;
    // A continuation byte (10xxxxxx) at the cut means the character started earlier; a UTF-8
    // character has at most 3 continuation bytes, so look back no further than that.
    for (int steps = 0; steps < 3 && cut > 0; ++steps) {
        if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80) break;
        --cut;
    }
    if ((static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) cut = max_bytes;  // not UTF-8
    return text.substr(0, cut);
}

}  // namespace groupdesk
