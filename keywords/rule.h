// Keyword rules: what an admin writes to answer the same questions at once ("怎么退款", "发票"),
// and the two special replies per channel the Official Account backend also has (on follow, and
// when nothing matches).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace groupdesk::keywords {

using time_point = std::chrono::system_clock::time_point;

enum class MatchType {
    Exact,     // the whole (normalised) message is the keyword
    Prefix,    // the message starts with it
    Contains,  // the message contains it
    Regex,     // RE2 syntax, matched against the normalised message (linear time)
};

enum class RuleKind {
    Keyword,  // answers a message its keywords match
    Follow,   // the reply when someone follows an Official Account (subscribe event)
    Default,  // the reply when no keyword rule answers; a user gets it at most once an hour
};

// Lower-case words: "exact", "prefix", "contains", "regex"; "keyword", "follow", "default".
std::string_view to_string(MatchType type) noexcept;
std::string_view to_string(RuleKind kind) noexcept;
std::optional<MatchType> parse_match_type(std::string_view word) noexcept;
std::optional<RuleKind> parse_rule_kind(std::string_view word) noexcept;

// One news article, what an Official Account may answer with instead of text.
struct NewsArticle {
    std::string title;
    std::string description;
    std::string pic_url;
    std::string url;
};

// Where a rule answers: everywhere when both lists are empty; otherwise in the listed channels
// and in the listed chats (group chat ids, or user ids of single chats), whichever lists it.
struct Scope {
    std::vector<std::string> channels;
    std::vector<std::string> chats;

    bool everywhere() const { return channels.empty() && chats.empty(); }
};

// Local time of day [start, end) in minutes after midnight, in the configured time zone; an end
// before the start wraps past midnight (21:00–09:00 is the night).
struct ActiveHours {
    int start_minute = 0;
    int end_minute = 0;
};

struct Rule {
    std::int64_t id = 0;  // assigned by the store
    RuleKind kind = RuleKind::Keyword;
    std::vector<std::string> keywords;  // keyword rules: one or more, as the admin wrote them
    MatchType match_type = MatchType::Contains;
    std::string reply;                // text; markdown for the AI bot
    std::optional<NewsArticle> news;  // Official Accounts: one article instead of `reply`
    int priority = 0;                 // higher answers first
    Scope scope;
    bool enabled = true;
    std::optional<ActiveHours> active_hours;
    // Where the rule came from when it was imported ("mp:<channel>:<rule name>"), so that an
    // import run twice updates instead of adding; empty for rules written here.
    std::string origin;
    std::string created_by;
    time_point created_at{};
    std::string updated_by;
    time_point updated_at{};
    int version = 0;  // 1 when created, +1 per change; the store checks it on update
};

}  // namespace groupdesk::keywords
