// What the keywords CLI prints for people: tables and short reports built from the server's JSON,
// cut to a terminal's width without splitting a UTF-8 character.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace groupdesk::bot::cli {

// Terminal columns: 2 for East Asian wide characters (Chinese takes two), 0 for combining marks.
[[nodiscard]] std::size_t display_width(std::string_view utf8);

// One line at most `columns` wide: control characters become spaces, and a cut ends with "…".
[[nodiscard]] std::string fit_width(std::string_view utf8, std::size_t columns);

// Rows under a header, columns sized to their widest cell; the last column gets what is left of
// `width` (at least `last_min`) and is cut with "…". Every row has the header's size.
[[nodiscard]] std::string text_table(const std::vector<std::string>& header,
                                     const std::vector<std::vector<std::string>>& rows,
                                     std::size_t width, std::size_t last_min);

// A {"rules": […]} answer as a table no wider than `width` (the reply column gives way).
[[nodiscard]] std::string rules_table(const nlohmann::json& rules, std::size_t width);

// A {"versions": […]} answer: one line per version, naming the fields each update changed.
[[nodiscard]] std::string history_table(const nlohmann::json& history, std::size_t width);

// A KeywordTest answer: the rule that answers and its whole reply, then why each other did not.
[[nodiscard]] std::string test_report(const nlohmann::json& test);

// An import-mp answer: the counts and every rule that could not be carried over, with why.
[[nodiscard]] std::string mp_import_report(const nlohmann::json& answer);

}  // namespace groupdesk::bot::cli
