// KeywordHandler without a server: what it matches after the mention, what it leaves alone, the
// flood guard and the default reply's interval on a moving clock, the follow reply, and the hit
// that is an effect of the answer.
#include "handlers/keyword_handler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/memory_keyword_store.h"

namespace groupdesk::handlers {
namespace {

using keywords::Rule;
using keywords::RuleKind;
using std::chrono::seconds;

constexpr const char* kChat = "wrkSFfCgAAgroupA";
constexpr const char* kBot = "AIBOT_GROUPDESK";

class KeywordHandlerTest : public ::testing::Test {
protected:
    static config::Config make_config() {
        config::Config config;
        config::Channel bot;
        bot.name = "group-bot";
        bot.kind = config::ChannelKind::AiBot;
        bot.bot_names = {"助手"};
        config::Channel mp;
        mp.name = "mp";
        mp.kind = config::ChannelKind::Mp;
        config.channels = {bot, mp};
        config.keywords.flood_interval = seconds{30};
        config.keywords.default_reply_interval = seconds{3600};
        return config;
    }

    void SetUp() override {
        auto zone = keywords::TimeZone::load("Asia/Shanghai");
        ASSERT_TRUE(zone.ok());
        auto opened = keywords::KeywordService::open(store_, {"group-bot", "mp"}, *zone);
        ASSERT_TRUE(opened.ok());
        service_ = std::move(opened).value();
        handler_ = std::make_unique<KeywordHandler>(*service_, store_, config_.keywords);
    }

    Rule add(RuleKind kind, std::vector<std::string> keywords, std::string reply,
             keywords::MatchType type = keywords::MatchType::Contains) {
        Rule rule;
        rule.kind = kind;
        rule.keywords = std::move(keywords);
        rule.match_type = type;
        rule.reply = std::move(reply);
        auto created = service_->create(std::move(rule), "admin", now_);
        EXPECT_TRUE(created.ok()) << created.error().message;
        return created.ok() ? *created : Rule{};
    }
    Rule add(std::vector<std::string> keywords, std::string reply,
             keywords::MatchType type = keywords::MatchType::Contains) {
        return add(RuleKind::Keyword, std::move(keywords), std::move(reply), type);
    }

    static wecom::InboundMessage group_message(std::string text, std::string sender = "wangwu") {
        wecom::InboundMessage msg;
        msg.kind = config::ChannelKind::AiBot;
        msg.msg_type = "text";
        msg.sender = std::move(sender);
        msg.recipient = kBot;
        msg.chat_id = kChat;
        msg.chat_type = wecom::ChatType::Group;
        msg.body = wecom::TextBody{std::move(text)};
        return msg;
    }
    static wecom::InboundMessage single_message(std::string text, std::string sender = "wangwu") {
        wecom::InboundMessage msg = group_message(std::move(text), std::move(sender));
        msg.chat_id.clear();
        msg.chat_type = wecom::ChatType::Single;
        return msg;
    }
    static wecom::InboundMessage mp_event(std::string event) {
        wecom::InboundMessage msg;
        msg.kind = config::ChannelKind::Mp;
        msg.msg_type = "event";
        msg.sender = "oFollower";
        msg.recipient = "gh_account";
        msg.body = wecom::EventBody{std::move(event), {}, {}, {}};
        return msg;
    }

    struct Run {
        Outcome outcome;
        std::vector<DurableWrite> effects;
    };
    Run run(const wecom::InboundMessage& msg, const std::string& channel = "group-bot",
            std::string source_key = "") {
        Context ctx{*config_.find_channel(channel), now_, "req", {}};
        // Each callback its own key unless a retry is meant.
        ctx.source_key = source_key.empty() ? "key-" + std::to_string(++callbacks_) : source_key;
        Outcome outcome = handler_->handle(msg, ctx);
        return Run{std::move(outcome), std::move(ctx.before_answer)};
    }
    // Runs the effects as the endpoint does; true when all became durable.
    static bool make_durable(const Run& r) {
        bool all = true;
        for (const auto& effect : r.effects) {
            effect([&](const Status& s) { all = all && s.ok(); });
        }
        return all;
    }
    static std::string text_of(const Outcome& o) {
        if (o.kind() != Outcome::Kind::Reply) return "<no reply>";
        const auto* text = std::get_if<wecom::TextReply>(&o.reply());
        return text != nullptr ? text->content : "<not text>";
    }
    std::string reply_to(const wecom::InboundMessage& msg,
                         const std::string& channel = "group-bot") {
        return text_of(run(msg, channel).outcome);
    }

    const config::Config config_ = make_config();
    keywords::time_point now_{seconds{1798765432}};
    int callbacks_ = 0;
    test::MemoryKeywordStore store_;
    std::unique_ptr<keywords::KeywordService> service_;
    std::unique_ptr<KeywordHandler> handler_;
};

TEST_F(KeywordHandlerTest, TheMentionIsStrippedAndTheTextNormalisedBeforeMatching) {
    add({"refund policy"}, "ok-refund", keywords::MatchType::Exact);
    add({"vip"}, "ok-vip", keywords::MatchType::Prefix);
    add({"退款"}, "ok-退款", keywords::MatchType::Exact);
    // Each message a flood interval after the last, so that only matching decides.
    auto later = [&](const wecom::InboundMessage& msg) {
        now_ += seconds{30};
        return reply_to(msg);
    };
    EXPECT_EQ(later(group_message("@助手 Refund   POLICY ")), "ok-refund");
    EXPECT_EQ(later(group_message("@助手\u2005ＲＥＦＵＮＤ\u3000ｐｏｌｉｃｙ")), "ok-refund");
    EXPECT_EQ(later(group_message("@张三 @助手 ＶＩＰ 会员怎么开")), "ok-vip");
    EXPECT_EQ(later(group_message("@助手 退款")), "ok-退款");
    EXPECT_EQ(later(single_message("退款")), "ok-退款");
    EXPECT_EQ(later(single_message("@助手 退款")), "ok-退款");
    EXPECT_EQ(later(single_message("＠助手　退款")), "ok-退款");
}

TEST_F(KeywordHandlerTest, WhatItLeavesAlone) {
    add({"退款"}, "r");
    // A group message that does not address the bot at its front.
    EXPECT_EQ(run(group_message("@张三 退款")).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("退款")).outcome.kind(), Outcome::Kind::Pass);
    // The account's own message, and one from nobody.
    auto own = single_message("退款", kBot);
    EXPECT_EQ(run(own).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(single_message("退款", "")).outcome.kind(), Outcome::Kind::Pass);
    // No match, no text, nothing but the mention.
    EXPECT_EQ(run(group_message("@助手 你好")).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@助手 ")).outcome.kind(), Outcome::Kind::Pass);
    auto image = single_message("");
    image.body = wecom::ImageBody{};
    EXPECT_EQ(run(image).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_TRUE(store_.hits().empty());
}

TEST_F(KeywordHandlerTest, TheTextOfAMixedMessageIsMatched) {
    add({"发票"}, "invoice");
    auto mixed = single_message("");
    mixed.body =
        wecom::MixedBody{{{false, "开", ""}, {true, "", "https://x/img"}, {false, "发票", ""}}};
    EXPECT_EQ(reply_to(mixed), "invoice");
}

TEST_F(KeywordHandlerTest, OneRuleAnswersOneChatOncePerFloodInterval) {
    const Rule refund = add({"退款"}, "refund");
    add({"发票"}, "invoice");
    EXPECT_EQ(reply_to(group_message("@助手 退款")), "refund");
    const Run again = run(group_message("@助手 退款", "lisi"));
    EXPECT_EQ(again.outcome.kind(), Outcome::Kind::Stop);
    EXPECT_NE(again.outcome.reason().find("rule " + std::to_string(refund.id)), std::string::npos);
    // Another rule in the same chat, and the same rule elsewhere, are not held back.
    EXPECT_EQ(reply_to(group_message("@助手 发票")), "invoice");
    EXPECT_EQ(reply_to(single_message("退款")), "refund");

    now_ += seconds{29};
    EXPECT_EQ(run(group_message("@助手 退款")).outcome.kind(), Outcome::Kind::Stop);
    now_ += seconds{1};
    EXPECT_EQ(reply_to(group_message("@助手 退款")), "refund");
}

// A callback answered 503 because its hit could not be written comes again; the flood guard must
// not take the retry for a second question and swallow the answer.
TEST_F(KeywordHandlerTest, ARetriedCallbackIsAnsweredDespiteTheFloodGuard) {
    add({"退款"}, "refund");
    add(RuleKind::Default, {}, "稍后回复");
    store_.set_unavailable(true);
    const Run first = run(group_message("@助手 退款"), "group-bot", "cb-1");
    EXPECT_EQ(text_of(first.outcome), "refund");
    EXPECT_FALSE(make_durable(first));  // → 503, the platform retries
    store_.set_unavailable(false);
    now_ += seconds{3};
    const Run retry = run(group_message("@助手 退款"), "group-bot", "cb-1");
    EXPECT_EQ(text_of(retry.outcome), "refund");
    EXPECT_TRUE(make_durable(retry));
    // Another callback is still held back.
    EXPECT_EQ(run(group_message("@助手 退款"), "group-bot", "cb-2").outcome.kind(),
              Outcome::Kind::Stop);

    // The same for the default reply's interval.
    store_.set_unavailable(true);
    const Run other = run(single_message("你好"), "group-bot", "cb-3");
    EXPECT_EQ(text_of(other.outcome), "稍后回复");
    EXPECT_FALSE(make_durable(other));
    store_.set_unavailable(false);
    EXPECT_EQ(text_of(run(single_message("你好"), "group-bot", "cb-3").outcome), "稍后回复");
}

TEST_F(KeywordHandlerTest, TheDefaultReplyReachesAUserOncePerIntervalAndNeverTakesHelp) {
    add({"退款"}, "refund");
    EXPECT_EQ(run(single_message("你好")).outcome.kind(), Outcome::Kind::Pass);  // none set
    add(RuleKind::Default, {}, "稍后回复");
    EXPECT_EQ(run(single_message("帮助")).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@助手 help")).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@助手")).outcome.kind(), Outcome::Kind::Pass);

    EXPECT_EQ(reply_to(single_message("你好")), "稍后回复");
    EXPECT_EQ(run(single_message("在吗")).outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@助手 在吗")).outcome.kind(), Outcome::Kind::Pass);  // same user
    EXPECT_EQ(reply_to(group_message("@助手 在吗", "lisi")), "稍后回复");
    EXPECT_EQ(reply_to(single_message("退款")), "refund");  // a match is not held back

    now_ += seconds{3599};
    EXPECT_EQ(run(single_message("在吗")).outcome.kind(), Outcome::Kind::Pass);
    now_ += seconds{1};
    EXPECT_EQ(reply_to(single_message("在吗")), "稍后回复");
}

TEST_F(KeywordHandlerTest, TheFollowReplyIsOnlyForAnOfficialAccountSubscribe) {
    Rule follow;
    follow.kind = RuleKind::Follow;
    follow.reply = "欢迎关注";
    follow.scope.channels = {"mp"};
    ASSERT_TRUE(service_->create(follow, "admin", now_).ok());
    EXPECT_EQ(reply_to(mp_event("subscribe"), "mp"), "欢迎关注");
    EXPECT_EQ(run(mp_event("unsubscribe"), "mp").outcome.kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(mp_event("CLICK"), "mp").outcome.kind(), Outcome::Kind::Pass);
    auto enter = mp_event("subscribe");
    enter.kind = config::ChannelKind::AiBot;
    EXPECT_EQ(run(enter, "group-bot").outcome.kind(), Outcome::Kind::Pass);
}

TEST_F(KeywordHandlerTest, AHitIsAnEffectRecordedWhenRun) {
    const Rule rule = add({"退款"}, "refund");
    const Run r = run(group_message("@助手 退款"));
    ASSERT_EQ(r.outcome.kind(), Outcome::Kind::Reply);
    ASSERT_EQ(r.effects.size(), 1u);
    EXPECT_TRUE(store_.hits().empty());  // nothing is written until the endpoint runs it
    EXPECT_TRUE(make_durable(r));
    const auto hits = store_.hits();
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].rule_id, rule.id);
    EXPECT_EQ(hits[0].channel, "group-bot");
    EXPECT_EQ(hits[0].chat, kChat);
    EXPECT_EQ(hits[0].sender, "wangwu");
    EXPECT_EQ(hits[0].at, now_);

    EXPECT_TRUE(make_durable(run(single_message("退款", "lisi"))));
    EXPECT_EQ(store_.hits().back().chat, "lisi");  // a single chat is its user's
}

TEST_F(KeywordHandlerTest, ANewsRuleAnswersWithANewsReply) {
    Rule rule;
    rule.keywords = {"活动"};
    rule.news = keywords::NewsArticle{"双十一", "全场五折", "https://example.com/p.png",
                                      "https://example.com/sale"};
    ASSERT_TRUE(service_->create(rule, "admin", now_).ok());
    const Run r = run(single_message("最近有什么活动"), "mp");
    ASSERT_EQ(r.outcome.kind(), Outcome::Kind::Reply);
    const auto* news = std::get_if<wecom::NewsReply>(&r.outcome.reply());
    ASSERT_NE(news, nullptr);
    ASSERT_EQ(news->articles.size(), 1u);
    EXPECT_EQ(news->articles[0].title, "双十一");
    EXPECT_EQ(news->articles[0].description, "全场五折");
    EXPECT_EQ(news->articles[0].pic_url, "https://example.com/p.png");
    EXPECT_EQ(news->articles[0].url, "https://example.com/sale");
}

}  // namespace
}  // namespace groupdesk::handlers
