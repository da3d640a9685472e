// KeywordCommandHandler without a server: the forms of each command in both languages, the
// admin check, and a retried "add" that finds the rule its first delivery made.
#include "handlers/keyword_command_handler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "keywords/normalize.h"
#include "tests/support/memory_keyword_store.h"

namespace groupdesk::handlers {
namespace {

using keywords::Rule;

constexpr const char* kChat = "wrkSFfCgAAgroupA";

class KeywordCommandHandlerTest : public ::testing::Test {
protected:
    static config::Config make_config() {
        config::Config config;
        config.agents = {"zhangsan"};
        config.admins = {"boss"};
        config::Channel bot;
        bot.name = "group-bot";
        bot.kind = config::ChannelKind::AiBot;
        bot.bot_names = {"助手"};
        config.channels = {bot};
        return config;
    }

    void SetUp() override {
        auto zone = keywords::TimeZone::load("Asia/Shanghai");
        ASSERT_TRUE(zone.ok());
        auto opened = keywords::KeywordService::open(store_, {"group-bot"}, *zone);
        ASSERT_TRUE(opened.ok());
        service_ = std::move(opened).value();
        handler_ = std::make_unique<KeywordCommandHandler>(*service_, roles_);
    }

    static wecom::InboundMessage group_message(std::string text, std::string sender = "boss") {
        wecom::InboundMessage msg;
        msg.kind = config::ChannelKind::AiBot;
        msg.msg_type = "text";
        msg.sender = std::move(sender);
        msg.recipient = "AIBOT_GROUPDESK";
        msg.chat_id = kChat;
        msg.chat_type = wecom::ChatType::Group;
        msg.body = wecom::TextBody{std::move(text)};
        return msg;
    }

    Outcome run(const wecom::InboundMessage& msg, std::string source_key = "") {
        Context ctx{config_.channels.front(), now_, "req", {}};
        ctx.source_key = source_key.empty() ? "key-" + std::to_string(++callbacks_) : source_key;
        return handler_->handle(msg, ctx);
    }
    std::string say(std::string text, std::string sender = "boss", std::string source_key = "") {
        const Outcome o =
            run(group_message(std::move(text), std::move(sender)), std::move(source_key));
        if (o.kind() != Outcome::Kind::Reply) return "<no reply>";
        return std::get<wecom::TextReply>(o.reply()).content;
    }
    std::vector<Rule> rules() const { return service_->index()->rules(); }

    const config::Config config_ = make_config();
    Roles roles_{config_};
    keywords::time_point now_{std::chrono::seconds{1798765432}};
    int callbacks_ = 0;
    test::MemoryKeywordStore store_;
    std::unique_ptr<keywords::KeywordService> service_;
    std::unique_ptr<KeywordCommandHandler> handler_;
};

TEST_F(KeywordCommandHandlerTest, AddSplitsTheKeywordsAtEverySeparator) {
    const std::string answer = say("@助手 关键词 添加 a，b、c | d, e => 请提供订单号");
    EXPECT_EQ(answer.rfind("已添加规则 #1", 0), 0u) << answer;
    ASSERT_EQ(rules().size(), 1u);
    const Rule rule = rules().front();
    EXPECT_EQ(rule.keywords, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
    EXPECT_EQ(rule.reply, "请提供订单号");
    EXPECT_EQ(rule.match_type, keywords::MatchType::Contains);
    EXPECT_EQ(rule.created_by, "boss");
    EXPECT_EQ(say("@助手 keyword add refund → Send us the order number").rfind("Added rule #2", 0),
              0u);
    EXPECT_EQ(rules().back().keywords, std::vector<std::string>{"refund"});
    EXPECT_EQ(rules().back().reply, "Send us the order number");
}

TEST_F(KeywordCommandHandlerTest, AnAddWithoutTheArrowOrAReplyShowsTheForm) {
    EXPECT_EQ(say("@助手 关键词 添加 退款 请提供订单号"),
              "格式：关键词 添加 退款, 退货 => 回复内容");
    EXPECT_EQ(say("@助手 关键词 添加 退款 =>"), "格式：关键词 添加 退款, 退货 => 回复内容");
    EXPECT_EQ(say("@助手 关键词 添加 ，、 => 回复"), "格式：关键词 添加 退款, 退货 => 回复内容");
    EXPECT_EQ(say("@助手 KEYWORD ADD refund"), "Write: keyword add refund, return => the reply");
    EXPECT_TRUE(rules().empty());
}

TEST_F(KeywordCommandHandlerTest, RemoveTakesTheIdWithOrWithoutHash) {
    say("@助手 关键词 添加 退款 => r1");
    say("@助手 关键词 添加 发票 => r2");
    EXPECT_EQ(say("@助手 关键词 删除 #1"), "已删除规则 #1");
    EXPECT_EQ(say("@助手 keyword rm 2"), "Removed rule #2");
    EXPECT_TRUE(rules().empty());
    EXPECT_EQ(say("@助手 关键词 删除 #1"), "没有规则 #1（可能已删除）。");
    EXPECT_EQ(say("@助手 关键词 删除 abc"), "格式：关键词 删除 12");
    EXPECT_EQ(say("@助手 keyword delete 99999999999999999999"), "Write: keyword rm 12");
}

TEST_F(KeywordCommandHandlerTest, ListSaysWhenThereAreNoRulesAndListsThemOtherwise) {
    EXPECT_EQ(say("@助手 关键词 列表"), "还没有关键词规则。");
    EXPECT_EQ(say("@助手 keyword list"), "There are no keyword rules yet.");
    EXPECT_EQ(say("@助手 关键词"), "还没有关键词规则。");  // alone, it lists
    say("@助手 关键词 添加 退款, 退货 => 请提供订单号");
    EXPECT_EQ(say("@助手 关键词 列表"),
              "关键词规则：\n#1 [contains] 退款 / 退货 → 请提供订单号\n共 1 条");
    EXPECT_EQ(say("@助手 keyword ls"),
              "Keyword rules:\n#1 [contains] 退款 / 退货 → 请提供订单号\n1 in all");
}

TEST_F(KeywordCommandHandlerTest, TestShowsTheRuleThatWouldAnswer) {
    EXPECT_EQ(say("@助手 关键词 测试 我想退款"), "没有规则会回答这句话。");
    say("@助手 关键词 添加 退款 => 请提供订单号");
    EXPECT_EQ(say("@助手 关键词 测试 我想ＴＵＩ退款"), "由规则 #1 回答：\n请提供订单号");
    EXPECT_EQ(say("@助手 keyword test I want 退款"), "Answered by rule #1:\n请提供订单号");
    EXPECT_EQ(say("@助手 keyword test hello"), "No rule answers this.");
}

TEST_F(KeywordCommandHandlerTest, OthersAreRefusedInTheCommandsLanguage) {
    EXPECT_EQ(say("@助手 关键词 添加 退款 => r", "zhangsan"), "只有管理员可以管理关键词回复。");
    EXPECT_EQ(say("@助手 keyword list", "wangwu"), "Only admins may edit keyword replies.");
    EXPECT_TRUE(rules().empty());
}

TEST_F(KeywordCommandHandlerTest, WhatIsNoKeywordCommandPasses) {
    EXPECT_EQ(run(group_message("@助手 退款怎么办")).kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@助手 关键词很重要")).kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("@助手 关键词 帮我")).kind(), Outcome::Kind::Pass);
    EXPECT_EQ(run(group_message("关键词 列表")).kind(), Outcome::Kind::Pass);  // not to the bot
    EXPECT_EQ(run(group_message("@张三 关键词 列表")).kind(), Outcome::Kind::Pass);
}

TEST_F(KeywordCommandHandlerTest, ARetriedAddDoesNotAddTwice) {
    const std::string first = say("@助手 关键词 添加 退款 => r", "boss", "cb-7");
    const std::string retry = say("@助手 关键词 添加 退款 => r", "boss", "cb-7");
    EXPECT_EQ(first, retry);
    ASSERT_EQ(rules().size(), 1u);
    EXPECT_EQ(rules().front().origin, "chat:cb-7");
    // The same words in another callback are another rule.
    say("@助手 关键词 添加 退款 => r", "boss", "cb-8");
    EXPECT_EQ(rules().size(), 2u);
}

TEST_F(KeywordCommandHandlerTest, AStoreFailureAsksForARetry) {
    store_.set_unavailable(true);
    EXPECT_EQ(run(group_message("@助手 关键词 添加 退款 => r")).kind(), Outcome::Kind::RetryLater);
    EXPECT_TRUE(rules().empty());
}

}  // namespace
}  // namespace groupdesk::handlers
