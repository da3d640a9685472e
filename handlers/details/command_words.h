// The words of the ticket commands in both languages, the small text scanning the parser shares,
// and the near-misses of command words that earn a did-you-mean.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "handlers/command_parser.h"
#include "tickets/ticket.h"

namespace groupdesk::handlers::details {

struct CommandWord {
    std::string_view word;  // English in lower case
    CommandKind kind;
    Language language;
};

// Exact matches; English words ASCII case-insensitively.
std::optional<CommandWord> find_command_word(std::string_view word);
std::optional<ListScope> find_list_scope(std::string_view word);
std::optional<tickets::Priority> find_priority(std::string_view word);

enum class Field { Category, Priority, Description, Assignee };
struct FieldName {
    Field field;
    std::size_t length;  // bytes of the name at the front of the text
};
// The field name (分类, category, …) `text` starts with, when a colon follows it directly.
std::optional<FieldName> field_name_at(std::string_view text);

// The command word `word` is likely a misspelling of, or nullopt. English: ASCII words of at least
// four letters within Damerau–Levenshtein distance 1 (2 from seven letters on) of a command word of
// at least four letters. Other words: only when `ref_follows`, and then one character different
// from a command word that takes a ticket number.
std::optional<CommandWord> near_command_word(std::string_view word, bool ref_follows);

// Optimal-string-alignment distance over bytes: an adjacent swap counts as one edit.
std::size_t damerau_levenshtein(std::string_view a, std::string_view b);

// Bytes of the UTF-8 sequence led by `lead` (1 for malformed bytes, as count_chars counts them).
std::size_t utf8_length(unsigned char lead) noexcept;
// Length of the ':'/'：', '#'/'＃' or '@'/'＠' `text` starts with; 0 when none.
std::size_t colon_length(std::string_view text) noexcept;
std::size_t hash_length(std::string_view text) noexcept;
std::size_t at_sign_length(std::string_view text) noexcept;
// `text` without its leading separators.
std::string_view skip_separators(std::string_view text) noexcept;
// Bytes up to the first separator (or the end).
std::size_t token_length(std::string_view text) noexcept;

// `text` cut to `max_chars` code points, the last of them "…" when anything was cut.
std::string cut_chars(std::string_view text, std::size_t max_chars);

}  // namespace groupdesk::handlers::details
