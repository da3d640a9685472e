// One pass over the bytes into a buffer of the input's size: every mapping here only shortens
// (a three-byte full-width character becomes one byte), so nothing is allocated but the result.
#include "keywords/normalize.h"

#include <cstddef>
#include <cstdint>

namespace groupdesk::keywords {
namespace {

bool is_ascii_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The length of the well-formed sequence starting at text[i], or 1 for a stray byte (copied
// as it is, so that a bad byte never swallows the character after it).
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
    } else {
        return 1;
    }
    if (i + length > text.size()) return 1;
    for (std::size_t k = 1; k < length; ++k) {
        if (!is_continuation(static_cast<unsigned char>(text[i + k]))) return 1;
    }
    return length;
}

}  // namespace

std::string normalize(std::string_view text) {
    std::string out(text.size(), '\0');
    char* write = out.data();
    char* const begin = write;
    bool space_pending = false;  // white space seen after some output: one ' ' before the next

    auto emit_ascii = [&](unsigned char c) {
        if (is_ascii_space(c)) {
            space_pending = write != begin;
            return;
        }
        if (space_pending) {
            *write++ = ' ';
            space_pending = false;
        }
        if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
        *write++ = static_cast<char>(c);
    };

    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            emit_ascii(c);
            ++i;
            continue;
        }
        const std::size_t length = sequence_length(text, i);
        if (length == 3) {
            const auto b1 = static_cast<unsigned char>(text[i + 1]);
            const auto b2 = static_cast<unsigned char>(text[i + 2]);
            // U+3000 IDEOGRAPHIC SPACE is E3 80 80.
            if (c == 0xE3 && b1 == 0x80 && b2 == 0x80) {
                emit_ascii(' ');
                i += 3;
                continue;
            }
            // U+FF01..U+FF5E (EF BC 81..EF BD 9E) are ASCII 0x21..0x7E shifted by 0xFEE0.
            if (c == 0xEF && ((b1 == 0xBC && b2 >= 0x81) || (b1 == 0xBD && b2 <= 0x9E))) {
                const std::uint32_t code_point = ((b1 & 0x3Fu) << 6) | (b2 & 0x3Fu) | 0xF000u;
                emit_ascii(static_cast<unsigned char>(code_point - 0xFEE0u));
                i += 3;
                continue;
            }
        }
        if (space_pending) {
            *write++ = ' ';
            space_pending = false;
        }
        for (std::size_t k = 0; k < length; ++k) *write++ = text[i + k];
        i += length;
    }
    out.resize(static_cast<std::size_t>(write - begin));
    return out;
}

}  // namespace groupdesk::keywords
