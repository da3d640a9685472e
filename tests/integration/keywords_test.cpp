// Keyword auto-replies through the real server: rules edited over REST and in the chat answer the
// next encrypted callback exactly as written; precedence, scope, active hours and the flood guard
// hold; an import is all or nothing; an Official Account gets its follow and default replies.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"

namespace groupdesk::test {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kChat = "wrkKWgroupA";
constexpr const char* kOtherChat = "wrkKWgroupB";
constexpr const char* kToken = "kw-token-0123456789abcdef0123456789abcdef";
// The fixture clock starts at 2026-01-01 00:00:01 UTC: 08:00 in Shanghai.

class KeywordsTest : public ServerTest {
protected:
    void configure(config::Config& config) override {
        config.admins = {"boss"};
        config.agents = {"zhangsan"};
        config.api_tokens = {
            {"ops-console", kToken, config::ApiToken::Role::Admin},
            {"agent-script", std::string(kToken) + "-agent", config::ApiToken::Role::Agent}};
        config.http.max_body_bytes = std::size_t{256} * 1024;  // the 50,000-character message
        for (auto& c : config.channels) {
            if (c.name == "group-bot") c.bot_names = {"助手"};
        }
    }

    ClientResponse api(const std::string& method, const std::string& target,
                       const json& body = nullptr, const std::string& token = kToken) {
        return http_request(port_, method, target, body.is_null() ? "" : body.dump(),
                            "application/json", {{"Authorization", "Bearer " + token}});
    }
    std::int64_t add_rule(const json& rule) {
        auto r = api("POST", "/api/v1/keywords", rule);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? json::parse(r.body).at("id").get<std::int64_t>() : 0;
    }
    // The reply text to a group mention (or "" when nothing was said).
    std::string ask(const std::string& text, const std::string& user = "wangwu",
                    const std::string& chat = kChat) {
        const json message = {{"msgid", "kw-" + std::to_string(++sequence_)},
                              {"aibotid", "AIBOT_GROUPDESK"},
                              {"chatid", chat},
                              {"chattype", "group"},
                              {"from", {{"userid", user}}},
                              {"msgtype", "text"},
                              {"text", {{"content", "@助手 " + text}}}};
        const auto request = encrypted_callback(channel("group-bot"), message.dump(), timestamp(),
                                                std::to_string(sequence_));
        const auto response = post(request.target, request.body, request.content_type);
        EXPECT_EQ(response.status, 200) << response.body;
        if (response.status != 200 || response.body.empty()) return "";
        const json reply = json::parse(open_reply(channel("group-bot"), response.body));
        if (reply.contains("stream")) return reply.at("stream").at("content");
        return reply.dump();
    }
    int hits() {
        SQLite::Database db(config_.database, SQLite::OPEN_READONLY, 5000);
        return db.execAndGet("SELECT COUNT(*) FROM keyword_hits").getInt();
    }

    int sequence_ = 0;
};

TEST_F(KeywordsTest, ARuleAddedOverRestAnswersTheNextMessageAndFollowsEachEdit) {
    EXPECT_EQ(ask("怎么退款"), "");  // no rule yet: nothing to say
    const auto id = add_rule({{"keywords", {"退款"}}, {"reply", "退款请提供订单号。"}});
    EXPECT_EQ(ask("怎么退款"), "退款请提供订单号。");
    EXPECT_EQ(hits(), 1);

    auto edited =
        api("PATCH", "/api/v1/keywords/" + std::to_string(id), {{"reply", "退款请在订单页申请。"}});
    ASSERT_EQ(edited.status, 200) << edited.body;
    EXPECT_EQ(json::parse(edited.body).at("version"), 2);
    EXPECT_EQ(ask("退款怎么弄", "lisi", kOtherChat), "退款请在订单页申请。");

    ASSERT_EQ(api("PATCH", "/api/v1/keywords/" + std::to_string(id), {{"enabled", false}}).status,
              200);
    EXPECT_EQ(ask("退款了吗", "lisi", "wrkKWgroupC"), "");
    ASSERT_EQ(api("PATCH", "/api/v1/keywords/" + std::to_string(id), {{"enabled", true}}).status,
              200);
    ASSERT_EQ(api("DELETE", "/api/v1/keywords/" + std::to_string(id)).status, 200);
    EXPECT_EQ(ask("退款", "lisi", "wrkKWgroupD"), "");

    const auto history = api("GET", "/api/v1/keywords/" + std::to_string(id) + "/history");
    ASSERT_EQ(history.status, 200) << history.body;
    const json versions = json::parse(history.body).at("versions");
    ASSERT_EQ(versions.size(), 5u);
    EXPECT_EQ(versions[1].at("before").at("reply"), "退款请提供订单号。");
    EXPECT_EQ(versions[1].at("after").at("reply"), "退款请在订单页申请。");
    EXPECT_EQ(versions[1].at("actor"), "api:ops-console");

    // Restored from its history, it answers again.
    auto restored =
        api("POST", "/api/v1/keywords/" + std::to_string(id) + "/restore", {{"version", 1}});
    ASSERT_EQ(restored.status, 200) << restored.body;
    EXPECT_EQ(ask("退款", "lisi", "wrkKWgroupE"), "退款请提供订单号。");
}

TEST_F(KeywordsTest, PrecedenceIsPriorityThenMatchTypeThenId) {
    add_rule({{"keywords", {"发票"}}, {"reply", "contains"}});
    add_rule({{"keywords", {"发票"}}, {"match_type", "prefix"}, {"reply", "prefix"}});
    EXPECT_EQ(ask("发票怎么开"), "prefix");  // same priority: prefix before contains
    add_rule({{"keywords", {"怎么开"}}, {"priority", 5}, {"reply", "high"}});
    EXPECT_EQ(ask("发票怎么开", "lisi", kOtherChat), "high");

    const auto test = api("POST", "/api/v1/keywords/test",
                          {{"text", "发票怎么开"}, {"channel", "group-bot"}, {"chat", kChat}});
    ASSERT_EQ(test.status, 200) << test.body;
    const json t = json::parse(test.body);
    EXPECT_EQ(t.at("answer").at("reply"), "high");
    ASSERT_EQ(t.at("candidates").size(), 3u);
    EXPECT_EQ(t.at("candidates")[1].at("why_not"), "lower_priority");
}

TEST_F(KeywordsTest, ScopeAndActiveHoursDecideWhereAndWhenARuleAnswers) {
    add_rule(
        {{"keywords", {"营业时间"}}, {"reply", "另一个群"}, {"scope", {{"chats", {kOtherChat}}}}});
    EXPECT_EQ(ask("营业时间"), "");
    EXPECT_EQ(ask("营业时间", "lisi", kOtherChat), "另一个群");
    // 08:00 in Shanghai now: the day rule sleeps, the night rule answers.
    add_rule({{"keywords", {"客服"}},
              {"reply", "白天"},
              {"active_hours", {{"start", "09:00"}, {"end", "21:00"}}}});
    add_rule({{"keywords", {"客服"}},
              {"reply", "夜间请留言"},
              {"active_hours", {{"start", "21:00"}, {"end", "09:00"}}}});
    EXPECT_EQ(ask("客服在吗"), "夜间请留言");
    clock_.advance(2h);  // 10:00
    EXPECT_EQ(ask("客服在吗", "lisi", kOtherChat), "白天");
}

TEST_F(KeywordsTest, OneRuleAnswersOneChatOncePerFloodInterval) {
    add_rule({{"keywords", {"发货"}}, {"reply", "48 小时内发货"}});
    EXPECT_EQ(ask("什么时候发货"), "48 小时内发货");
    EXPECT_EQ(ask("发货了吗", "lisi"), "");  // the same chat, 0 s later
    EXPECT_EQ(ask("发货了吗", "lisi", kOtherChat), "48 小时内发货");
    clock_.advance(31s);
    EXPECT_EQ(ask("还没发货"), "48 小时内发货");
}

TEST_F(KeywordsTest, ACatastrophicPatternStillAnswers) {
    add_rule({{"keywords", {"(a+)+$"}}, {"match_type", "regex"}, {"reply", "regex hit"}});
    EXPECT_EQ(ask(std::string(50000, 'a') + "!"), "");  // linear time, no match
    EXPECT_EQ(ask(std::string(50000, 'a'), "lisi", kOtherChat), "regex hit");
}

TEST_F(KeywordsTest, TicketCommandsComeBeforeKeywords) {
    add_rule({{"keywords", {"工单"}}, {"reply", "keyword"}});
    const std::string reply = ask("工单 打印机坏了");
    EXPECT_NE(reply, "keyword");
    SQLite::Database db(config_.database, SQLite::OPEN_READONLY, 5000);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM tickets").getInt(), 1);
}

TEST_F(KeywordsTest, BadRulesAreRefusedNamingTheFieldAndAnImportIsAllOrNothing) {
    auto bad = api("POST", "/api/v1/keywords",
                   {{"keywords", {"(unclosed"}}, {"match_type", "regex"}, {"reply", "x"}});
    ASSERT_EQ(bad.status, 400);
    EXPECT_EQ(json::parse(bad.body).at("error").at("problems")[0].at("field"), "keywords");
    auto unknown = api("POST", "/api/v1/keywords",
                       {{"keywords", {"a"}}, {"reply", "x"}, {"scope", {{"channels", {"nope"}}}}});
    ASSERT_EQ(unknown.status, 400);
    EXPECT_EQ(json::parse(unknown.body).at("error").at("problems")[0].at("field"),
              "scope.channels[0]");
    EXPECT_EQ(api("POST", "/api/v1/keywords", {{"keywords", {"a"}}, {"reply", "x"}},
                  std::string(kToken) + "-agent")
                  .status,
              403);

    const json import = {{"rules",
                          {{{"keywords", {"退货"}}, {"reply", "ok"}},
                           {{"keywords", json::array()}, {"reply", "no keywords"}},
                           {{"keywords", {"换货"}}, {"reply", ""}}}}};
    auto refused = api("POST", "/api/v1/keywords/import", import);
    ASSERT_EQ(refused.status, 400) << refused.body;
    const json problems = json::parse(refused.body).at("error").at("problems");
    ASSERT_EQ(problems.size(), 2u);
    EXPECT_EQ(problems[0].at("index"), 1);
    EXPECT_EQ(problems[0].at("field"), "keywords");
    EXPECT_EQ(problems[1].at("index"), 2);
    EXPECT_EQ(problems[1].at("field"), "reply");
    EXPECT_EQ(json::parse(api("GET", "/api/v1/keywords").body).at("rules").size(), 0u);

    // The export imports as it is, and importing it twice adds nothing.
    add_rule({{"keywords", {"退货"}}, {"reply", "ok"}, {"origin", "sheet:1"}});
    const auto exported = api("GET", "/api/v1/keywords/export");
    ASSERT_EQ(exported.status, 200);
    auto again = api("POST", "/api/v1/keywords/import", json::parse(exported.body));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(json::parse(again.body).at("updated"), 1);
    EXPECT_EQ(json::parse(api("GET", "/api/v1/keywords").body).at("rules").size(), 1u);
}

TEST_F(KeywordsTest, AdminsEditRulesInTheChatAndOthersAreRefused) {
    EXPECT_EQ(ask("关键词 添加 退款, 退货 => 请提供订单号", "wangwu"),
              "只有管理员可以管理关键词回复。");
    const std::string added = ask("关键词 添加 退款, 退货 => 请提供订单号", "boss");
    EXPECT_NE(added.find("已添加规则 #1"), std::string::npos) << added;
    EXPECT_EQ(ask("我要退货", "lisi", kOtherChat), "请提供订单号");
    const std::string listed = ask("关键词 列表", "boss");
    EXPECT_NE(listed.find("#1 [contains] 退款 / 退货"), std::string::npos) << listed;
    const std::string tested = ask("keyword test 退款", "boss", "wrkKWgroupC");
    EXPECT_NE(tested.find("Answered by rule #1"), std::string::npos) << tested;
    EXPECT_NE(ask("关键词 删除 1", "boss").find("已删除规则 #1"), std::string::npos);
    EXPECT_EQ(ask("我要退货", "lisi", "wrkKWgroupD"), "");
}

TEST_F(KeywordsTest, AnOfficialAccountGetsItsFollowNewsAndDefaultReplies) {
    add_rule({{"kind", "follow"},
              {"reply", "感谢关注！"},
              {"scope", {{"channels", {"service-account"}}}}});
    add_rule({{"kind", "default"}, {"reply", "客服稍后回复您。"}});
    add_rule({{"keywords", {"活动"}},
              {"match_type", "exact"},
              {"reply", ""},
              {"news", {{"title", "双十一活动"}, {"url", "https://example.com/a"}}}});
    const std::string followed =
        to_account("<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event>");
    EXPECT_NE(followed.find("感谢关注！"), std::string::npos) << followed;
    const std::string news = account_text("活动");
    EXPECT_NE(news.find("<ArticleCount>1</ArticleCount>"), std::string::npos) << news;
    EXPECT_NE(news.find("双十一活动"), std::string::npos);
    EXPECT_NE(account_text("你好").find("客服稍后回复您。"), std::string::npos);
    EXPECT_EQ(account_text("在吗"), "");  // the default reply: once an hour per user
    clock_.advance(61min);
    EXPECT_NE(account_text("在吗").find("客服稍后回复您。"), std::string::npos);
}

}  // namespace
}  // namespace groupdesk::test
