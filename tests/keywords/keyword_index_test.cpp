#include "keywords/keyword_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "keywords/normalize.h"

namespace groupdesk::keywords {
namespace {

Rule keyword_rule(std::int64_t id, std::vector<std::string> keywords, MatchType type,
                  int priority = 0) {
    Rule rule;
    rule.id = id;
    rule.keywords = std::move(keywords);
    rule.match_type = type;
    rule.priority = priority;
    rule.reply = "reply " + std::to_string(id);
    return rule;
}

std::shared_ptr<const KeywordIndex> build(std::vector<Rule> rules) {
    auto index = KeywordIndex::build(std::move(rules));
    EXPECT_TRUE(index.ok()) << (index.ok() ? "" : index.error().message);
    return index.ok() ? *index : nullptr;
}

const MatchContext kAnywhere{"wecom", "chat-1", 12 * 60};

std::int64_t matched_id(const KeywordIndex& index, std::string_view text,
                        const MatchContext& where = kAnywhere) {
    const Rule* rule = index.match(normalize(text), where);
    return rule ? rule->id : 0;
}

TEST(KeywordIndexTest, EachMatchType) {
    auto index = build({keyword_rule(1, {"发票"}, MatchType::Exact),
                        keyword_rule(2, {"退款"}, MatchType::Prefix),
                        keyword_rule(3, {"营业时间"}, MatchType::Contains),
                        keyword_rule(4, {R"(订单\s*\d{6})"}, MatchType::Regex)});
    EXPECT_EQ(matched_id(*index, "发票"), 1);
    EXPECT_EQ(matched_id(*index, "  发票 "), 1);
    EXPECT_EQ(matched_id(*index, "开发票"), 0);
    EXPECT_EQ(matched_id(*index, "发票呢"), 0);
    EXPECT_EQ(matched_id(*index, "退款怎么办"), 2);
    EXPECT_EQ(matched_id(*index, "我要退款"), 0);
    EXPECT_EQ(matched_id(*index, "请问营业时间是几点"), 3);
    EXPECT_EQ(matched_id(*index, "我的订单 123456 到了吗"), 4);
    EXPECT_EQ(matched_id(*index, "我的订单 12345"), 0);
    EXPECT_EQ(matched_id(*index, "你好"), 0);
    EXPECT_EQ(matched_id(*index, ""), 0);
}

TEST(KeywordIndexTest, KeywordsAreNormalisedLikeMessages) {
    auto index = build({keyword_rule(1, {"ＶＩＰ  Card"}, MatchType::Contains)});
    EXPECT_EQ(matched_id(*index, "my vip card is lost"), 1);
    EXPECT_EQ(matched_id(*index, "MY ＶＩＰ\tCARD"), 1);
}

TEST(KeywordIndexTest, KeywordInsideAnotherKeyword) {
    auto index = build({keyword_rule(1, {"退款"}, MatchType::Contains),
                        keyword_rule(2, {"退款进度"}, MatchType::Contains, 5),
                        keyword_rule(3, {"款"}, MatchType::Contains, 1)});
    EXPECT_EQ(matched_id(*index, "查一下退款进度"), 2);
    EXPECT_EQ(matched_id(*index, "退款"), 3);
    auto candidates = index->explain(normalize("查一下退款进度"), kAnywhere);
    ASSERT_EQ(candidates.size(), 3u);
    EXPECT_EQ(candidates[0].rule->id, 2);
    EXPECT_EQ(candidates[1].rule->id, 3);
    EXPECT_EQ(candidates[2].rule->id, 1);
}

TEST(KeywordIndexTest, ChineseKeywordsInChineseText) {
    auto index = build({keyword_rule(1, {"发货", "快递"}, MatchType::Contains),
                        keyword_rule(2, {"发票抬头"}, MatchType::Contains),
                        keyword_rule(3, {"货到付款"}, MatchType::Contains)});
    EXPECT_EQ(matched_id(*index, "你好，请问我买的东西什么时候发货？谢谢"), 1);
    EXPECT_EQ(matched_id(*index, "快递到哪了"), 1);
    EXPECT_EQ(matched_id(*index, "发票抬头写错了"), 2);
    EXPECT_EQ(matched_id(*index, "可以货到付款吗"), 3);
    EXPECT_EQ(matched_id(*index, "发票和货款"), 0);
}

TEST(KeywordIndexTest, PrecedenceIsPriorityThenTypeThenId) {
    auto index = build({keyword_rule(7, {"退款"}, MatchType::Contains),
                        keyword_rule(3, {"退款"}, MatchType::Contains),
                        keyword_rule(5, {"退款"}, MatchType::Prefix),
                        keyword_rule(6, {"退款"}, MatchType::Exact),
                        keyword_rule(2, {"退款"}, MatchType::Regex),
                        keyword_rule(9, {"款"}, MatchType::Contains, -1),
                        keyword_rule(8, {"退"}, MatchType::Regex, 1)});
    EXPECT_EQ(matched_id(*index, "退款"), 8);
    auto candidates = index->explain("退款", kAnywhere);
    std::vector<std::int64_t> order;
    for (const Candidate& candidate : candidates) {
        order.push_back(candidate.rule->id);
        EXPECT_EQ(candidate.why, order.size() == 1 ? NotChosen::None : NotChosen::LowerPriority);
    }
    EXPECT_EQ(order, (std::vector<std::int64_t>{8, 6, 5, 3, 7, 2, 9}));
}

TEST(KeywordIndexTest, RulesThatMayNotAnswerSayWhy) {
    auto disabled = keyword_rule(1, {"发票"}, MatchType::Contains, 9);
    disabled.enabled = false;
    auto elsewhere = keyword_rule(2, {"发票"}, MatchType::Contains, 8);
    elsewhere.scope.channels = {"mp-shop"};
    auto night_only = keyword_rule(3, {"发票"}, MatchType::Contains, 7);
    night_only.active_hours = ActiveHours{21 * 60, 9 * 60};
    auto index =
        build({disabled, elsewhere, night_only, keyword_rule(4, {"发票"}, MatchType::Contains, 1),
               keyword_rule(5, {"发票"}, MatchType::Contains, 0)});
    EXPECT_EQ(matched_id(*index, "发票"), 4);
    auto candidates = index->explain("发票", kAnywhere);
    ASSERT_EQ(candidates.size(), 5u);
    EXPECT_EQ(candidates[0].why, NotChosen::Disabled);
    EXPECT_EQ(candidates[1].why, NotChosen::OutOfScope);
    EXPECT_EQ(candidates[2].why, NotChosen::OutsideHours);
    EXPECT_EQ(candidates[3].why, NotChosen::None);
    EXPECT_EQ(candidates[4].why, NotChosen::LowerPriority);
    EXPECT_EQ(to_string(candidates[2].why), "outside_hours");
}

TEST(KeywordIndexTest, ScopeByChannelOrByChat) {
    auto by_channel = keyword_rule(1, {"hi"}, MatchType::Contains);
    by_channel.scope.channels = {"mp-shop"};
    auto by_chat = keyword_rule(2, {"hi"}, MatchType::Contains);
    by_chat.scope.chats = {"group-7"};
    auto index = build({by_channel, by_chat});
    EXPECT_EQ(matched_id(*index, "hi", {"mp-shop", "someone", 0}), 1);
    EXPECT_EQ(matched_id(*index, "hi", {"wecom", "group-7", 0}), 2);
    EXPECT_EQ(matched_id(*index, "hi", {"wecom", "group-8", 0}), 0);
}

TEST(KeywordIndexTest, ActiveHoursWrapPastMidnight) {
    auto night = keyword_rule(1, {"在吗"}, MatchType::Contains);
    night.active_hours = ActiveHours{21 * 60, 9 * 60};
    auto day = keyword_rule(2, {"在吗"}, MatchType::Contains);
    day.active_hours = ActiveHours{9 * 60, 21 * 60};
    auto index = build({night, day});
    auto at = [](int minute) { return MatchContext{"wecom", "chat", minute}; };
    EXPECT_EQ(matched_id(*index, "在吗", at(23 * 60)), 1);
    EXPECT_EQ(matched_id(*index, "在吗", at(0)), 1);
    EXPECT_EQ(matched_id(*index, "在吗", at(9 * 60 - 1)), 1);
    EXPECT_EQ(matched_id(*index, "在吗", at(9 * 60)), 2);
    EXPECT_EQ(matched_id(*index, "在吗", at(21 * 60 - 1)), 2);
    EXPECT_EQ(matched_id(*index, "在吗", at(21 * 60)), 1);
}

TEST(KeywordIndexTest, RegexRules) {
    auto index = build({keyword_rule(1, {R"(^(hi|hello)\b)", "早上好"}, MatchType::Regex),
                        keyword_rule(2, {R"(\D+\d{11}$)"}, MatchType::Regex),
                        keyword_rule(3, {"ＶＩＰ（金卡）"}, MatchType::Regex)});
    EXPECT_EQ(matched_id(*index, "Hello there"), 1);
    EXPECT_EQ(matched_id(*index, "say hello"), 0);
    EXPECT_EQ(matched_id(*index, "你们早上好"), 1);
    EXPECT_EQ(matched_id(*index, "我的手机 13800138000"), 2);
    // Full-width punctuation in a pattern stays literal, as in the normalised message.
    EXPECT_EQ(matched_id(*index, "vip（金卡）"), 3);
    EXPECT_EQ(matched_id(*index, "vip金卡"), 0);
}

// The regex set runs only when a literal its pattern needs is in the message; these check that
// the filter never hides a regex that matches.
TEST(KeywordIndexTest, RegexOutranksALiteralWhenItMatches) {
    auto index = build({keyword_rule(1, {"退款"}, MatchType::Contains),
                        keyword_rule(2, {R"(退款.{0,4}\d{6})"}, MatchType::Regex, 5),
                        keyword_rule(3, {R"(\d{11})"}, MatchType::Regex, 9),
                        keyword_rule(4, {R"(émile\d)"}, MatchType::Regex, 9)});
    EXPECT_EQ(matched_id(*index, "退款"), 1);
    EXPECT_EQ(matched_id(*index, "退款 订单123456"), 2);
    EXPECT_EQ(matched_id(*index, "退款 电话 13800138000"), 3);  // no literal to filter on
    // Messages keep the case of letters beyond ASCII; the regex ignores it.
    EXPECT_EQ(matched_id(*index, "ÉMILE5"), 4);
    EXPECT_EQ(matched_id(*index, "émile5"), 4);
}

TEST(KeywordIndexTest, BadRegexNamesTheRuleAndRe2sError) {
    auto index = KeywordIndex::build({keyword_rule(1, {"ok"}, MatchType::Contains),
                                      keyword_rule(42, {"退款(订单"}, MatchType::Regex)});
    ASSERT_FALSE(index.ok());
    EXPECT_EQ(index.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(index.error().message.find("42"), std::string::npos) << index.error().message;
    EXPECT_NE(index.error().message.find("missing )"), std::string::npos) << index.error().message;
    EXPECT_EQ(index.error().field, "keywords");
}

TEST(KeywordIndexTest, EmptyKeywordIsRefused) {
    auto index = KeywordIndex::build({keyword_rule(3, {" 　 "}, MatchType::Contains)});
    ASSERT_FALSE(index.ok());
    EXPECT_EQ(index.error().code, ErrorCode::InvalidArgument);
    EXPECT_NE(index.error().message.find("3"), std::string::npos);
}

TEST(KeywordIndexTest, CatastrophicPatternReturns) {
    auto index = build({keyword_rule(1, {"(a+)+$"}, MatchType::Regex),
                        keyword_rule(2, {"(a|aa)+b"}, MatchType::Regex)});
    const std::string text = std::string(50'000, 'a') + "!";
    EXPECT_EQ(index->match(text, kAnywhere), nullptr);
    EXPECT_TRUE(index->explain(text, kAnywhere).empty());
    EXPECT_EQ(index->match(std::string(50'000, 'a'), kAnywhere)->id, 1);
}

TEST(KeywordIndexTest, TenThousandRulesFindTheRightOne) {
    std::vector<Rule> rules;
    for (int i = 1; i <= 10'000; ++i) {
        const auto type = i % 10 == 0  ? MatchType::Exact
                          : i % 7 == 0 ? MatchType::Prefix
                                       : MatchType::Contains;
        rules.push_back(keyword_rule(i, {"问题" + std::to_string(i) + "号"}, type));
    }
    rules.push_back(keyword_rule(10'001, {R"(工单\d+)"}, MatchType::Regex));
    auto index = build(std::move(rules));
    EXPECT_EQ(matched_id(*index, "请问问题4321号怎么处理"), 4321);
    EXPECT_EQ(matched_id(*index, "问题7000号"), 7000);      // exact
    EXPECT_EQ(matched_id(*index, "我的问题7000号"), 0);     // exact, not the whole message
    EXPECT_EQ(matched_id(*index, "问题7007号在哪"), 7007);  // prefix
    EXPECT_EQ(matched_id(*index, "工单 12"), 0);
    EXPECT_EQ(matched_id(*index, "工单12"), 10'001);
    EXPECT_EQ(matched_id(*index, "问题10001号"), 0);
}

// Many short keywords over a small alphabet: states with dense rows and long failure chains.
TEST(KeywordIndexTest, AgreesWithANaiveSearch) {
    std::uint32_t seed = 12345;
    auto random_text = [&](std::size_t length) {
        std::string text;
        for (std::size_t i = 0; i < length; ++i) {
            seed = seed * 1103515245u + 12345u;
            text += static_cast<char>('a' + (seed >> 16) % 20);
        }
        return text;
    };
    std::vector<Rule> rules;
    for (int i = 1; i <= 2'000; ++i) {
        rules.push_back(keyword_rule(i, {random_text(1 + i % 4)}, MatchType::Contains, i % 5));
    }
    auto index = build(rules);
    for (int round = 0; round < 400; ++round) {
        // Short texts are walked once; long ones in two halves.
        const std::string text = random_text(round % 2 == 0 ? 40 : 301);
        std::vector<std::int64_t> expected;
        for (const Rule& rule : rules) {
            if (text.find(rule.keywords.front()) != std::string::npos) expected.push_back(rule.id);
        }
        std::vector<std::int64_t> found;
        for (const Candidate& candidate : index->explain(text, kAnywhere)) {
            found.push_back(candidate.rule->id);
        }
        std::sort(found.begin(), found.end());
        ASSERT_EQ(found, expected) << text;
    }
}

TEST(KeywordIndexTest, SpecialRulesMostSpecificScopeFirst) {
    auto rule = [](std::int64_t id, RuleKind kind, int priority) {
        Rule r;
        r.id = id;
        r.kind = kind;
        r.priority = priority;
        return r;
    };
    auto everywhere = rule(1, RuleKind::Default, 9);
    auto channel = rule(2, RuleKind::Default, 0);
    channel.scope.channels = {"mp-shop"};
    auto chat = rule(3, RuleKind::Default, 0);
    chat.scope.chats = {"group-7"};
    auto chat_disabled = rule(4, RuleKind::Default, 5);
    chat_disabled.scope.chats = {"group-7"};
    chat_disabled.enabled = false;
    auto channel_later = rule(5, RuleKind::Default, 0);
    channel_later.scope.channels = {"mp-shop"};
    auto follow_day = rule(6, RuleKind::Follow, 0);
    follow_day.active_hours = ActiveHours{9 * 60, 21 * 60};
    auto index = build({everywhere, channel, chat, chat_disabled, channel_later, follow_day});

    auto id_of = [&](RuleKind kind, MatchContext where) {
        const Rule* r = index->special(kind, where);
        return r ? r->id : 0;
    };
    EXPECT_EQ(id_of(RuleKind::Default, {"mp-shop", "group-7", 0}), 3);
    EXPECT_EQ(id_of(RuleKind::Default, {"mp-shop", "user-1", 0}), 2);
    EXPECT_EQ(id_of(RuleKind::Default, {"wecom", "user-1", 0}), 1);
    EXPECT_EQ(id_of(RuleKind::Follow, {"mp-shop", "user-1", 10 * 60}), 6);
    EXPECT_EQ(id_of(RuleKind::Follow, {"mp-shop", "user-1", 22 * 60}), 0);
    // Special rules never answer a message by their keywords.
    EXPECT_EQ(index->match("", kAnywhere), nullptr);
}

TEST(KeywordIndexTest, RulesInIdOrderAndFind) {
    auto index = build({keyword_rule(30, {"c"}, MatchType::Contains),
                        keyword_rule(10, {"a"}, MatchType::Contains),
                        keyword_rule(20, {"b"}, MatchType::Contains)});
    ASSERT_EQ(index->rules().size(), 3u);
    EXPECT_EQ(index->rules()[0].id, 10);
    EXPECT_EQ(index->rules()[2].id, 30);
    ASSERT_NE(index->find(20), nullptr);
    EXPECT_EQ(index->find(20)->keywords.front(), "b");
    EXPECT_EQ(index->find(15), nullptr);
}

TEST(KeywordIndexTest, NoRules) {
    auto index = build({});
    EXPECT_EQ(index->match("anything", kAnywhere), nullptr);
    EXPECT_EQ(index->special(RuleKind::Follow, kAnywhere), nullptr);
}

}  // namespace
}  // namespace groupdesk::keywords
