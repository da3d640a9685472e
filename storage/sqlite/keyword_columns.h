// Keyword rules as the columns of schema step 6 hold them: enum words and JSON text.
#pragma once

#include <string>
#include <vector>

#include "keywords/keyword_store.h"

namespace groupdesk::storage::sqlite::keyword_columns {

// The model's words (keywords/rule.h, keyword_store.h), which the migration's CHECK constraints
// admit.
std::string match_word(keywords::MatchType type);
std::string kind_word(keywords::RuleKind kind);
std::string op_word(keywords::RuleChange::Op op);
// A word this build cannot read throws std::runtime_error: a broken row, not a disk fault.
keywords::MatchType read_match(const std::string& word);
keywords::RuleKind read_kind(const std::string& word);
keywords::RuleChange::Op read_op(const std::string& word);

// JSON text. The writers throw std::invalid_argument for text that is not UTF-8 (stored strictly,
// never altered); the readers throw on text this build did not write.
std::string keywords_json(const std::vector<std::string>& keywords);
std::vector<std::string> keywords_from(const std::string& text);
std::string news_json(const keywords::NewsArticle& news);
keywords::NewsArticle news_from(const std::string& text);
std::string scope_json(const keywords::Scope& scope);
keywords::Scope scope_from(const std::string& text);
// The whole rule, every field, for the history rows; times in unix seconds like the columns.
std::string rule_json(const keywords::Rule& rule);
keywords::Rule rule_from(const std::string& text);

// Whether a live rule other than ?2 holds the origin ?1, asked once per imported rule. The
// `origin <> ''` repeats the partial unique index's condition so that SQLite may use the index
// (it cannot know that ?1 is never empty); without it every lookup scanned the whole table, and
// a second import of 10,000 rules held the writer for seconds.
inline constexpr const char* kOriginTakenSql =
    "SELECT 1 FROM keyword_rules WHERE origin = ?1 AND origin <> '' AND deleted = 0 AND id <> ?2";

}  // namespace groupdesk::storage::sqlite::keyword_columns
