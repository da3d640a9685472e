#include "keywords/details/regex_text.h"

namespace groupdesk::keywords::details {
namespace {

bool is_ascii_alnum(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool is_caseless(char32_t c) {
    return (c >= 0x2000 && c <= 0x206F) ||  // general punctuation
           (c >= 0x2E80 && c <= 0xA4CF) ||  // CJK radicals … ideographs, kana, Yi
           (c >= 0xAC00 && c <= 0xD7AF) ||  // Hangul syllables
           (c >= 0xF900 && c <= 0xFAFF) ||  // compatibility ideographs
           (c >= 0xFE30 && c <= 0xFE4F) ||  // CJK compatibility forms
           (c >= 0xFF01 && c <= 0xFF20) ||  // full-width punctuation and digits
           (c >= 0xFF3B && c <= 0xFF40) || (c >= 0xFF5B && c <= 0xFFEF) ||
           (c >= 0x1F000 && c <= 0x1FAFF) ||  // emoji and pictographs
           (c >= 0x20000 && c <= 0x3FFFF);    // ideograph extensions
}

}  // namespace

bool may_differ_in_case(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            ++i;
            continue;
        }
        const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (length == 1 || i + length > text.size()) return true;  // not UTF-8: assume so
        char32_t c = lead & (0x7F >> length);
        for (std::size_t k = 1; k < length; ++k) {
            c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
        }
        if (!is_caseless(c)) return true;
        i += length;
    }
    return false;
}

std::string normalize_regex(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size());
    bool escaped = false;  // the previous character was an unescaped backslash
    for (std::size_t i = 0; i < pattern.size();) {
        const auto c = static_cast<unsigned char>(pattern[i]);
        if (c == 0xE3 && i + 2 < pattern.size() && pattern[i + 1] == '\x80' &&
            pattern[i + 2] == '\x80') {
            out += ' ';
            escaped = false;
            i += 3;
            continue;
        }
        if (c == 0xEF && i + 2 < pattern.size()) {
            const auto b1 = static_cast<unsigned char>(pattern[i + 1]);
            const auto b2 = static_cast<unsigned char>(pattern[i + 2]);
            const bool full_width = (b1 == 0xBC && b2 >= 0x81 && b2 <= 0xBF) ||
                                    (b1 == 0xBD && b2 >= 0x80 && b2 <= 0x9E);
            if (full_width) {
                const auto ascii = static_cast<char>((((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu)) - 0xEE0u);
                if (!escaped && !is_ascii_alnum(ascii)) out += '\\';
                out += ascii;
                escaped = false;
                i += 3;
                continue;
            }
        }
        escaped = !escaped && c == '\\';
        out += static_cast<char>(c);
        ++i;
    }
    return out;
}

}  // namespace groupdesk::keywords::details
