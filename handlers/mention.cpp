// Mention stripping over UTF-8 bytes; no locale, no allocation.
#include "handlers/mention.h"

#include <algorithm>
#include <array>

#include "common/ascii.h"

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

std::size_t separator_at_back(std::string_view text) {
    for (auto sep : kSeparators) {
        if (text.ends_with(sep)) return sep.size();
    }
    return 0;
}

// Length of the '@' or '＠' `text` starts with, 0 when none.
std::size_t at_sign_length(std::string_view text) {
    if (text.starts_with('@')) return 1;
    if (text.starts_with(kFullWidthAt)) return kFullWidthAt.size();
    return 0;
}

}  // namespace

std::size_t separator_length(std::string_view text) noexcept {
    for (auto sep : kSeparators) {
        if (text.starts_with(sep)) return sep.size();
    }
    return 0;
}

std::string_view trim_separators(std::string_view text) {
    while (std::size_t n = separator_length(text)) text.remove_prefix(n);
    while (std::size_t n = separator_at_back(text)) text.remove_suffix(n);
    return text;
}

std::string_view strip_leading_mention(std::string_view text) {
    text = trim_separators(text);
    const std::size_t at = at_sign_length(text);
    if (at == 0) return text;
    // The name runs to the first separator; a mention with nothing after it leaves "".
    for (std::size_t i = at; i < text.size(); ++i) {
        if (separator_length(text.substr(i)) != 0) return trim_separators(text.substr(i));
    }
    return {};
}

std::optional<std::string_view> strip_bot_mentions(std::string_view text,
                                                   std::span<const std::string> bot_names) {
    text = trim_separators(text);
    bool addressed = false;
    bool first = true;
    while (std::size_t at = at_sign_length(text)) {
        std::size_t end = at;
        while (end < text.size() && separator_length(text.substr(end)) == 0) ++end;
        const std::string_view name = text.substr(at, end - at);
        if (name.empty()) break;  // a lone '@' is punctuation, not a mention
        const bool is_bot =
            bot_names.empty()
                ? first
                : std::any_of(bot_names.begin(), bot_names.end(),
                              [&](const std::string& b) { return ascii_iequals(b, name); });
        addressed = addressed || is_bot;
        first = false;
        text = trim_separators(text.substr(end));
    }
    if (!addressed) return std::nullopt;
    return text;
}

}  // namespace groupdesk::handlers
