// Test helpers for the keyword stores: sample rules, changes, and a printable form of a rule.
#pragma once

#include <chrono>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "keywords/keyword_store.h"
#include "tests/storage/store_test_support.h"

namespace groupdesk::storage::sqlite::keyword_test {

using keywords::Rule;
using keywords::RuleChange;
using Op = RuleChange::Op;

inline const keywords::time_point kT = store_test::at(1'700'000'000);

// Every field, so that EXPECT_EQ on two of these compares whole rules and prints the difference.
inline std::string describe(const Rule& r) {
    std::ostringstream out;
    out << "#" << r.id << " v" << r.version << " kind=" << static_cast<int>(r.kind)
        << " match=" << static_cast<int>(r.match_type) << " keywords=[";
    for (const auto& k : r.keywords) out << k << "|";
    out << "] reply=" << r.reply << " news=";
    if (r.news) {
        out << r.news->title << "|" << r.news->description << "|" << r.news->pic_url << "|"
            << r.news->url;
    }
    out << " priority=" << r.priority << " channels=[";
    for (const auto& c : r.scope.channels) out << c << "|";
    out << "] chats=[";
    for (const auto& c : r.scope.chats) out << c << "|";
    out << "] enabled=" << r.enabled << " hours=";
    if (r.active_hours) out << r.active_hours->start_minute << "-" << r.active_hours->end_minute;
    out << " origin=" << r.origin << " created=" << r.created_by << "@"
        << r.created_at.time_since_epoch().count() << " updated=" << r.updated_by << "@"
        << r.updated_at.time_since_epoch().count();
    return out.str();
}

inline std::string describe(const std::optional<Rule>& r) { return r ? describe(*r) : "none"; }

inline Rule full_rule() {
    Rule r;
    r.kind = keywords::RuleKind::Keyword;
    r.keywords = {"怎么退款", "发票", "refund"};
    r.match_type = keywords::MatchType::Regex;
    r.reply = "退款请看 **帮助中心**\n第二行 \"引号\"";
    r.news = keywords::NewsArticle{"退款指南", "三步完成", "https://example.com/p.png",
                                   "https://example.com/refund?a=1&b=2"};
    r.priority = 7;
    r.scope.channels = {"mp-main", "bot-ops"};
    r.scope.chats = {"wrOgAAAA", "zhangsan"};
    r.enabled = false;
    r.active_hours = keywords::ActiveHours{21 * 60, 9 * 60};
    r.origin = "mp:mp-main:退款";
    return r;
}

inline Rule plain_rule(std::string keyword) {
    Rule r;
    r.keywords = {std::move(keyword)};
    r.reply = "reply";
    return r;
}

inline RuleChange change(Op op, Rule rule, std::string actor = "api:ops-console",
                         keywords::time_point when = kT) {
    return RuleChange{op, std::move(rule), std::move(actor), when};
}

}  // namespace groupdesk::storage::sqlite::keyword_test
