// A regex keyword made comparable with normalised messages without changing what it means.
#pragma once

#include <string>
#include <string_view>

namespace groupdesk::keywords::details {

// Full-width letters and digits become ASCII, full-width punctuation becomes its escaped ASCII
// form (（ → \(, so that it stays a literal and never opens a group), U+3000 becomes a space.
// Letters keep their case (folding would turn \D into \d): the regex compiles case-insensitive.
std::string normalize_regex(std::string_view pattern);

// Whether `text` has a character beyond ASCII that may have another case (anything but the
// caseless CJK, kana, Hangul, full-width, punctuation and symbol blocks). Conservative.
bool may_differ_in_case(std::string_view text);

}  // namespace groupdesk::keywords::details
