// The help texts of `groupdesk keywords` and of each of its verbs.
#pragma once

#include <string_view>

namespace groupdesk::bot::cli {

extern const char* const kKeywordsUsage;

// The usage of one verb; null for an unknown verb.
[[nodiscard]] const char* keywords_verb_usage(std::string_view verb);

}  // namespace groupdesk::bot::cli
