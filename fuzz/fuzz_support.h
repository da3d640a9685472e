// Helpers shared by the fuzz targets: invariant checks and small string tools.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace groupdesk::fuzz {

// An invariant the target asserts. A broken one aborts, so libFuzzer saves the input; `what`
// names the invariant and is the first line to read in a crash report.
inline void fuzz_check(bool holds, const char* what) {
    if (holds) return;
    std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
    std::abort();
}

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF).
inline bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto b = static_cast<std::uint8_t>(s[i]);
        std::size_t extra = 0;
        std::uint32_t cp = 0;
        if (b < 0x80) {
            ++i;
            continue;
        }
        if (b >= 0xc2 && b <= 0xdf) {
            extra = 1;
            cp = b & 0x1f;
        } else if (b >= 0xe0 && b <= 0xef) {
            extra = 2;
            cp = b & 0x0f;
        } else if (b >= 0xf0 && b <= 0xf4) {
            extra = 3;
            cp = b & 0x07;
        } else {
            return false;
        }
        if (extra >= s.size() - i) return false;  // truncated sequence
        for (std::size_t k = 1; k <= extra; ++k) {
            auto c = static_cast<std::uint8_t>(s[i + k]);
            if ((c & 0xc0) != 0x80) return false;
            cp = (cp << 6) | (c & 0x3f);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        i += extra + 1;
    }
    return true;
}

// `text` repeated until it is longer than `min_size` bytes (empty stays empty): long enough to
// make an encoder cut it, with the cut landing anywhere inside a multi-byte character.
inline std::string repeat_past(std::string_view text, std::size_t min_size) {
    std::string out;
    if (text.empty()) return out;
    while (out.size() <= min_size) out.append(text);
    return out;
}

// The bytes of `text` that occur in `allowed`, in order.
inline std::string keep_only(std::string_view text, std::string_view allowed) {
    std::string out;
    for (char c : text) {
        if (allowed.find(c) != std::string_view::npos) out.push_back(c);
    }
    return out;
}

}  // namespace groupdesk::fuzz
