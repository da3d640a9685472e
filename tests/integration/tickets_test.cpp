// Ticket commands through the real server: encrypted callbacks of the AI bot (group and single
// chat), the WeCom app and an Official Account, answered by the passive reply that confirms them.
#include <SQLiteCpp/SQLiteCpp.h>

#include <nlohmann/json.hpp>

#include "tests/integration/server_fixture.h"
#include "tests/support/callbacks.h"

namespace groupdesk::test {
namespace {

using nlohmann::json;

constexpr const char* kChatA = "wrkSFfCgAAgroupA";
constexpr const char* kChatB = "wrkSFfCgAAgroupB";
constexpr const char* kTimestamp = "1767225601";  // the fixture clock's now
constexpr const char* kApiToken = "it-token-0123456789abcdef0123456789abcdef";

class TicketsTest : public ServerTest {
protected:
    void configure(config::Config& config) override {
        config.agents = {"zhangsan"};
        config.admins = {"lisi"};
        config.api_tokens = {{"ops-console", kApiToken, config::ApiToken::Role::Admin}};
        for (auto& c : config.channels) {
            if (c.name == "group-bot") {
                c.bot_names = {"助手", "assistant"};
                c.ticket_cards = false;  // these tests read the text replies
            }
        }
    }

    // What the assistant answered, "" when it said nothing; the HTTP status must be 200.
    std::string answer(const CallbackRequest& request, const std::string& channel_name) {
        auto response = post(request.target, request.body, request.content_type);
        last_status_ = response.status;
        if (response.status != 200 || response.body.empty() || response.body == "success") {
            return "";
        }
        const std::string plain = open_reply(channel(channel_name), response.body);
        if (channel_name == "group-bot") {
            const auto reply = json::parse(plain);
            return reply.at("stream").at("content").get<std::string>();
        }
        return between(plain, "<Content><![CDATA[", "]]>");
    }

    CallbackRequest bot_request(const std::string& text, const std::string& user,
                                const std::string& chat, const json& quote = nullptr) {
        json message = {{"msgid", "it-" + std::to_string(++sequence_)},
                        {"aibotid", "AIBOT_GROUPDESK"},
                        {"chattype", chat.empty() ? "single" : "group"},
                        {"from", {{"userid", user}}},
                        {"response_url", "https://example.invalid/r"},
                        {"msgtype", "text"},
                        {"text", {{"content", text}}}};
        if (!chat.empty()) message["chatid"] = chat;
        if (!quote.is_null()) message["quote"] = quote;
        return encrypted_callback(channel("group-bot"), message.dump(), kTimestamp,
                                  std::to_string(sequence_));
    }
    std::string in_group(const std::string& text, const std::string& user = "wangwu",
                         const std::string& chat = kChatA) {
        return answer(bot_request(text, user, chat), "group-bot");
    }
    std::string wecom_app(const std::string& text, const std::string& user) {
        const std::string xml =
            "<xml><ToUserName><![CDATA[ww3f8a2b1c4d5e6f70]]></ToUserName><FromUserName><![CDATA[" +
            user +
            "]]></FromUserName><CreateTime>1767225601</CreateTime><MsgType><![CDATA[text]]>"
            "</MsgType><Content><![CDATA[" +
            text + "]]></Content><MsgId>" + std::to_string(7400000000000000000 + ++sequence_) +
            "</MsgId><AgentID>1000002</AgentID></xml>";
        return answer(encrypted_callback(channel("corp-app"), xml, kTimestamp, "11"), "corp-app");
    }
    std::string official_account(const std::string& text) {
        const std::string xml =
            "<xml><ToUserName><![CDATA[gh_5a3c7e9b1d2f]]></ToUserName><FromUserName><![CDATA["
            "oGd8Kt2VxYq7Lm3Np0Rs5Uw9Zc1E]]></FromUserName><CreateTime>1767225601</CreateTime>"
            "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[" +
            text + "]]></Content><MsgId>" + std::to_string(24900000000000000 + ++sequence_) +
            "</MsgId></xml>";
        return answer(encrypted_callback(channel("service-account"), xml, kTimestamp, "12"),
                      "service-account");
    }

    ClientResponse api(const std::string& method, const std::string& target,
                       const std::string& body = "", const std::string& token = kApiToken) {
        std::vector<std::pair<std::string, std::string>> headers;
        if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
        return http_request(port_, method, target, body, "application/json", headers);
    }

    int last_status_ = 0;
    int sequence_ = 0;
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST_F(TicketsTest, AGroupMentionCreatesATicketWithItsFields) {
    const auto reply =
        in_group("@助手\u2005工单 打印机无法连接\n优先级：高\n分类：IT\n描述：三楼那台");
    EXPECT_TRUE(has(reply, "已创建工单 #1：打印机无法连接")) << reply;
    EXPECT_TRUE(has(reply, "优先级：高")) << reply;
    EXPECT_TRUE(has(reply, "分类：IT")) << reply;
    const auto shown = in_group("@助手 查询 #1");
    EXPECT_TRUE(has(shown, "三楼那台")) << shown;
    EXPECT_TRUE(has(shown, "报告人：wangwu")) << shown;
}

TEST_F(TicketsTest, EnglishOneLineWithInlineFields) {
    const auto reply = in_group("@assistant new Printer offline priority: urgent category: IT");
    EXPECT_TRUE(has(reply, "Created ticket #1: Printer offline")) << reply;
    EXPECT_TRUE(has(reply, "Priority: urgent")) << reply;
}

TEST_F(TicketsTest, AQuotedCustomerMessageBecomesTheTicket) {
    const json quote = {{"msgtype", "text"},
                        {"text", {{"content", "打印机一直卡纸\n换了纸也不行"}}}};
    const auto reply = answer(bot_request("@助手 工单", "zhangsan", kChatA, quote), "group-bot");
    EXPECT_TRUE(has(reply, "已创建工单 #1：打印机一直卡纸")) << reply;
    EXPECT_TRUE(has(in_group("@助手 查询 #1"), "换了纸也不行"));
}

TEST_F(TicketsTest, AgentsWorkATicketFromCreateToReopen) {
    ASSERT_TRUE(has(in_group("@助手 工单 VPN 连不上"), "#1"));
    EXPECT_TRUE(has(in_group("@助手 指派 #1 @zhangsan", "zhangsan"), "负责人：zhangsan"));
    EXPECT_TRUE(has(in_group("@助手 备注 #1 正在查", "zhangsan"), "已添加备注"));
    EXPECT_TRUE(has(in_group("@助手 接单 #1", "zhangsan"), "状态：处理中"));
    // Agents work from their own group too.
    EXPECT_TRUE(has(in_group("@助手 解决 #1 重启了路由器", "zhangsan", kChatB), "状态：已解决"));
    EXPECT_TRUE(has(in_group("@assistant close #1", "zhangsan"), "Status: closed"));
    // The reporter reopens their own ticket.
    EXPECT_TRUE(has(in_group("@助手 重开 #1 又断了"), "状态：待处理"));
    const auto shown = in_group("@助手 查询 #1");
    EXPECT_TRUE(has(shown, "正在查")) << shown;
    const auto listed = in_group("@助手 列表");
    EXPECT_TRUE(has(listed, "#1 [待处理] VPN 连不上")) << listed;
}

TEST_F(TicketsTest, ACustomerMayNotResolveAndIsToldWhy) {
    ASSERT_TRUE(has(in_group("@助手 工单 VPN 连不上"), "#1"));
    EXPECT_EQ(in_group("@助手 解决 #1", "wangwu"), "只有客服人员可以解决工单");
    EXPECT_TRUE(has(in_group("@助手 查询 #1"), "状态：待处理"));
}

TEST_F(TicketsTest, AnIllegalTransitionIsRefusedNamingFromAndTo) {
    ASSERT_TRUE(has(in_group("@助手 工单 VPN 连不上"), "#1"));
    const auto reply = in_group("@助手 关闭 #1", "zhangsan");
    EXPECT_TRUE(has(reply, "待处理 → 已关闭")) << reply;
    const auto english = in_group("@assistant close #1", "zhangsan");
    EXPECT_TRUE(has(english, "open → closed")) << english;
}

TEST_F(TicketsTest, ATicketOfAnotherGroupIsNotFoundToACustomer) {
    ASSERT_TRUE(has(in_group("@助手 工单 VPN 连不上"), "#1"));
    EXPECT_EQ(in_group("@助手 查询 #1", "zhaoliu", kChatB), "未找到工单 #1");
    EXPECT_EQ(in_group("@助手 列表", "zhaoliu", kChatB), "本群没有未解决的工单");
}

TEST_F(TicketsTest, AMisspeltCommandGetsDidYouMean) {
    ASSERT_TRUE(has(in_group("@助手 工单 VPN 连不上"), "#1"));
    EXPECT_EQ(in_group("@assistant resovle #1", "zhangsan"), "Did you mean \"resolve #1\"?");
}

TEST_F(TicketsTest, AMentionThatIsNoCommandPassesOn) {
    EXPECT_EQ(in_group("@助手 你好，请问发票怎么开"), "");
    EXPECT_EQ(last_status_, 200);
    // Addressed to someone else at the front: not the assistant's command.
    EXPECT_EQ(in_group("@张三 工单 打印机"), "");
    EXPECT_EQ(last_status_, 200);
}

TEST_F(TicketsTest, SingleChatsWeComAppsAndOfficialAccountsNeedNoMention) {
    EXPECT_TRUE(has(answer(bot_request("ticket Laptop broken", "wangwu", ""), "group-bot"),
                    "Created ticket #1"));
    EXPECT_TRUE(has(wecom_app("工单 VPN 连不上", "zhangsan"), "已创建工单 #2：VPN 连不上"));
    EXPECT_TRUE(has(official_account("报修 空调不制冷"), "已创建工单 #3：空调不制冷"));
    // Each 1:1 conversation is its own group: the customer lists their own ticket only.
    const auto listed = official_account("列表");
    EXPECT_TRUE(has(listed, "#3")) << listed;
    EXPECT_FALSE(has(listed, "#1")) << listed;
}

TEST_F(TicketsTest, ARetriedCreateMakesOneTicket) {
    const auto request = bot_request("@助手 工单 打印机无法连接", "wangwu", kChatA);
    const auto first = answer(request, "group-bot");
    const auto second = answer(request, "group-bot");
    EXPECT_TRUE(has(first, "#1"));
    EXPECT_EQ(first, second);
    EXPECT_TRUE(has(in_group("@助手 工单 另一个问题"), "#2"));
}

// The chat and the REST API work on the same tickets, through the real server.
TEST_F(TicketsTest, ATicketFromTheChatIsWorkedOverRest) {
    ASSERT_TRUE(has(in_group("@助手 工单 打印机无法连接"), "#1"));
    EXPECT_EQ(api("GET", "/api/v1/tickets/1", "", "").status, 401);
    EXPECT_EQ(api("GET", "/api/v1/tickets/1", "", "wrong-token-0123456789abcdef0123456789").status,
              401);
    auto shown = api("GET", "/api/v1/tickets/1");
    ASSERT_EQ(shown.status, 200) << shown.body;
    const auto ticket = json::parse(shown.body);
    EXPECT_EQ(ticket.at("title"), "打印机无法连接");
    EXPECT_EQ(ticket.at("group"), kChatA);
    EXPECT_EQ(ticket.at("events").size(), 1u);

    auto resolved = api("PATCH", "/api/v1/tickets/1", R"({"status": "resolved", "note": "换了"})");
    ASSERT_EQ(resolved.status, 200) << resolved.body;
    EXPECT_EQ(json::parse(resolved.body).at("status"), "resolved");
    // The change made over REST is recorded with the token's name, and the chat sees it.
    const auto history = json::parse(api("GET", "/api/v1/tickets/1").body).at("events");
    EXPECT_EQ(history.back().at("actor"), "ops-console");
    EXPECT_EQ(history.back().at("actor_role"), "admin");
    EXPECT_TRUE(has(in_group("@助手 查询 #1"), "状态：已解决"));

    auto created = api("POST", "/api/v1/tickets",
                       R"({"title": "Laptop broken", "channel": "group-bot", "group": ")" +
                           std::string(kChatA) + R"("})");
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(json::parse(created.body).at("number"), 2);
    auto listed = api("GET", "/api/v1/tickets?status=open");
    ASSERT_EQ(listed.status, 200);
    EXPECT_EQ(json::parse(listed.body).at("tickets").size(), 1u);
}

// A callback's writes are one unit: when its dedup record cannot be written (a trigger makes the
// insert fail), its ticket is not kept either. The platform got a 503 and retries — after a
// restart — and the retry makes the ticket, once. (A retry that finds the ticket but no dedup
// record answers from the ticket's command record: command_handler_test.)
TEST_F(TicketsTest, ACallbackWhoseDedupRecordFailsLeavesNoTicketAndItsRetryMakesOne) {
    {
        SQLite::Database db(config_.database, SQLite::OPEN_READWRITE, 5000);
        db.exec(
            "CREATE TRIGGER lose_dedup BEFORE INSERT ON dedup "
            "BEGIN SELECT RAISE(ABORT, 'no dedup record'); END");
    }
    const auto request = bot_request("@助手 工单 打印机无法连接", "wangwu", kChatA);
    EXPECT_EQ(answer(request, "group-bot"), "");
    EXPECT_EQ(last_status_, 503);
    stop();
    {
        SQLite::Database db(config_.database, SQLite::OPEN_READWRITE, 5000);
        db.exec("DROP TRIGGER lose_dedup");
        EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM tickets").getInt(), 0);
        EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM ticket_commands").getInt(), 0);
        EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM outbox").getInt(), 0);
    }
    start();
    const auto retried = answer(request, "group-bot");
    EXPECT_EQ(last_status_, 200);
    EXPECT_TRUE(has(retried, "已创建工单 #1：打印机无法连接")) << retried;
    SQLite::Database db(config_.database, SQLite::OPEN_READONLY, 5000);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM tickets").getInt(), 1);
    EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM ticket_events").getInt(), 1);
}

}  // namespace
}  // namespace groupdesk::test
