// Mention stripping over UTF-8 bytes; no locale, no allocation.
#include "handlers/mention.h"

#include <array>

namespace groupdesk::handlers {
namespace {

constexpr std::string_view kFullWidthAt = "\xEF\xBC\xA0";  // U+FF20 ＠
constexpr std::array<std::string_view, 6> kSeparators = {
    "\xE2\x80\x85",  // U+2005 FOUR-PER-EM SPACE
    "\xE3\x80\x80",  // U+3000 IDEOGRAPHIC SPACE
    " ",
    "\n",
    "\r",
    "\t"};

// Length of the separator `text` starts with, 0 when none.
std::size_t separator_at_front(std::string_view text) {
    for (auto sep : kSeparators) {
        if (text.starts_with(sep)) return sep.size();
    }
    return 0;
}

std::size_t separator_at_back(std::string_view text) {
    for (auto sep : kSeparators) {
        if (text.ends_with(sep)) return sep.size();
    }
    return 0;
}

}  // namespace

std::string_view trim_separators(std::string_view text) {
    while (std::size_t n = separator_at_front(text)) text.remove_prefix(n);
    while (std::size_t n = separator_at_back(text)) text.remove_suffix(n);
    return text;
}

std::string_view strip_leading_mention(std::string_view text) {
    text = trim_separators(text);
    std::size_t at = 0;
    if (text.starts_with('@')) {
        at = 1;
    } else if (text.starts_with(kFullWidthAt)) {
        at = kFullWidthAt.size();
    } else {
        return text;
    }
    // The name runs to the first separator; a mention with nothing after it leaves "".
    for (std::size_t i = at; i < text.size(); ++i) {
        if (separator_at_front(text.substr(i)) != 0) return trim_separators(text.substr(i));
    }
    return {};
}

}  // namespace groupdesk::handlers
